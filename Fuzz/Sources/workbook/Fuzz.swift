// libFuzzer target for the .xlsx reader (`make fuzz`): whole workbooks, and sheet XML fed in
// chunks; in a normal build it replays the files named on its command line.
import CXCore

@main
enum Fuzz {
    static func main() { FuzzEntryPoints.main(FuzzEntryPoints.workbook) }
}
