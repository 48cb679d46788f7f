// libFuzzer target for the preview server's request reader (`make fuzz`); in a normal build it
// replays the files named on its command line.
import CXCore
import Serve

@main
enum Fuzz {
    static func main() { FuzzEntryPoints.main(ServeFuzzEntryPoints.request) }
}
