#if canImport(Glibc)
    import Glibc
#endif

/// A program started with `posix_spawn` and waited for with `waitpid`: what Foundation's
/// `Process` does, without its run loop, which polls every 50 ms and never wakes under a
/// faked clock (`faketime`). It knows nothing about sites.
public struct ChildProcess: Sendable {
    /// Where one of the child's outputs goes.
    public enum Output: Sendable {
        /// Nowhere (`/dev/null`).
        case discarded
        /// Into a pipe this process reads (``run(_:_:environment:directory:)`` only).
        case captured
        /// Into the file at the path, made or emptied.
        case file(String)
    }

    /// How a child ended.
    public enum Termination: Sendable, Equatable {
        case exited(Int32)
        case signalled(Int32)

        /// The exit status, or 128 plus the signal's number as a shell reports it.
        public var status: Int32 {
            switch self {
            case .exited(let status): status
            case .signalled(let signal): 128 + signal
            }
        }
    }

    /// What a child printed and how it ended.
    public struct Result: Sendable {
        public let termination: Termination
        public let standardOutput: [UInt8]
        public let standardError: [UInt8]
    }

    /// A child that could not be started, with the reason.
    public struct SpawnError: Error, CustomStringConvertible {
        public let program: String
        public let code: Int32
        public var description: String { "could not run \(program): \(String(cString: strerror(code)))" }
    }

    public let pid: pid_t

    /// Starts `program` (a path, or a name found on `PATH`) with `arguments`, reading nothing,
    /// in `directory` (this process's own when nil), with `environment` (this process's own when
    /// nil). Each output is ``Output/discarded`` or a ``Output/file(_:)``.
    public init(
        _ program: String, _ arguments: [String], environment: [String: String]? = nil, directory: String? = nil,
        standardOutput: Output = .discarded, standardError: Output = .discarded
    ) throws {
        pid = try Self.spawn(
            program, arguments, environment: environment, directory: directory,
            outputs: [standardOutput, standardError], pipes: [nil, nil])
    }

    private init(pid: pid_t) {
        self.pid = pid
    }

    /// Waits for the child to end.
    public func wait() -> Termination {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { return .exited(-1) }
        }
        let signal = status & 0x7F
        return signal == 0 ? .exited((status >> 8) & 0xFF) : .signalled(signal)
    }

    /// Whether the child has not ended yet (it is not reaped: ``wait()`` still tells how it ended).
    public var isRunning: Bool {
        var info = siginfo_t()
        return waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info._sifields._sigchld.si_pid == 0
    }

    /// Sends `signal` to the child.
    public func send(_ signal: Int32) {
        kill(pid, signal)
    }

    /// Runs `program` to its end and returns what it printed on each output.
    public static func run(
        _ program: String, _ arguments: [String], environment: [String: String]? = nil,
        directory: String? = nil
    ) throws -> Result {
        var outputPipe: [Int32] = [0, 0]
        var errorPipe: [Int32] = [0, 0]
        guard pipe(&outputPipe) == 0 else { throw SpawnError(program: program, code: errno) }
        guard pipe(&errorPipe) == 0 else {
            let code = errno
            close(outputPipe[0])
            close(outputPipe[1])
            throw SpawnError(program: program, code: code)
        }
        let child: ChildProcess
        do {
            child = ChildProcess(
                pid: try spawn(
                    program, arguments, environment: environment, directory: directory,
                    outputs: [.captured, .captured], pipes: [outputPipe[1], errorPipe[1]]))
        } catch {
            for descriptor in outputPipe + errorPipe { close(descriptor) }
            throw error
        }
        close(outputPipe[1])
        close(errorPipe[1])
        let (output, errors) = readToEnd(outputPipe[0], errorPipe[0])
        return Result(termination: child.wait(), standardOutput: output, standardError: errors)
    }

    /// Both pipes read as they fill, so a child writing much to one never waits on the other.
    private static func readToEnd(_ first: Int32, _ second: Int32) -> ([UInt8], [UInt8]) {
        var collected: [[UInt8]] = [[], []]
        var open = [first, second]
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while open.contains(where: { $0 >= 0 }) {
            var descriptors = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            guard poll(&descriptors, nfds_t(descriptors.count), -1) >= 0 || errno == EINTR else { break }
            for (index, descriptor) in descriptors.enumerated() where descriptor.fd >= 0 && descriptor.revents != 0 {
                let count = read(descriptor.fd, &buffer, buffer.count)
                if count > 0 {
                    collected[index] += buffer[..<count]
                } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
                    close(descriptor.fd)
                    open[index] = -1
                }
            }
        }
        for descriptor in open where descriptor >= 0 { close(descriptor) }
        return (collected[0], collected[1])
    }

    private static func spawn(
        _ program: String, _ arguments: [String], environment: [String: String]?, directory: String?,
        outputs: [Output], pipes: [Int32?]
    ) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        for (index, output) in outputs.enumerated() {
            let target = Int32(index + 1)
            switch output {
            case .discarded: posix_spawn_file_actions_addopen(&actions, target, "/dev/null", O_WRONLY, 0)
            case .file(let path): posix_spawn_file_actions_addopen(&actions, target, path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            case .captured:
                if let descriptor = pipes[index] { posix_spawn_file_actions_adddup2(&actions, descriptor, target) }
            }
        }
        // glibc's posix_spawn_file_actions_addchdir_np is not visible to Swift: a shell changes
        // the folder, then becomes the program.
        let (program, arguments) =
            directory.map { ("/bin/sh", ["-c", "cd -- \"$0\" && exec \"$@\"", $0, program] + arguments) }
            ?? (program, arguments)
        let environmentLines = environment.map { $0.map { "\($0.key)=\($0.value)" } }
        let argv = ([program] + arguments).map { strdup($0) } + [nil]
        let envp = environmentLines.map { $0.map { strdup($0) } + [nil] }
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp ?? [] { free(pointer) }
        }
        var pid: pid_t = 0
        let code =
            envp.map { envp in posix_spawnp(&pid, program, &actions, nil, argv, envp) }
            ?? posix_spawnp(&pid, program, &actions, nil, argv, environ)
        guard code == 0 else { throw SpawnError(program: program, code: code) }
        return pid
    }
}
