// libFuzzer target for the csv reader: `make fuzz` builds it with -sanitize=fuzzer,address
// and its main hands over to libFuzzer. In a normal build it replays the files named on its
// command line instead (the regression test does the same through FuzzEntryPoints).
import CXCore
import Foundation

#if FUZZING
typealias Arguments = UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>
typealias TestOneInput = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: Arguments, _ test: TestOneInput) -> CInt
#endif

@main
enum Fuzz {
    static func main() {
        #if FUZZING
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv  // libFuzzer may rewrite its arguments
        exit(runFuzzerDriver(&argc, &argv) { data, size in
            FuzzEntryPoints.csv(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
            return 0
        })
        #else
        for path in CommandLine.arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            FuzzEntryPoints.csv(Array(data))
        }
        #endif
    }
}
