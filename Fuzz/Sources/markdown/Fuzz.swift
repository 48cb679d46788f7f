// libFuzzer target for the markdown wrapper (`make fuzz`); in a normal build it replays the files
// named on its command line.
import CXCore

@main
enum Fuzz {
    static func main() { FuzzEntryPoints.main(FuzzEntryPoints.markdown) }
}
