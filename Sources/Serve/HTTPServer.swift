import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A small HTTP/1.1 server for the preview: one thread, non-blocking sockets and `poll`, so
/// that slow, huge or abandoned requests cost bounded memory and no thread each. Requests
/// are read with ``HTTPRequestHead``'s bounds; a connection that sends nothing whole within
/// its ``Timeouts/request`` deadline, or that would make more than ``maximumConnections``, is
/// closed; a closed event stream is released as soon as its peer goes. Event streams are
/// bounded in number, per client address and in all (so they can never take every
/// connection), and each is closed after ``Timeouts/eventStream`` (the browser opens a new one).
final class HTTPServer: @unchecked Sendable {
    /// What a request is answered with.
    enum Reply {
        case response(HTTPStatus, headers: [(String, String)], body: [UInt8])
        /// A `text/event-stream` that stays open and receives every ``broadcast(_:)``.
        case eventStream
    }

    static let maximumConnections = 512
    /// The most event streams open at once, in all and from one client address; one more is
    /// answered 503.
    static let maximumEventStreams = 64
    static let maximumEventStreamsPerClient = 16

    /// How long, in seconds, a connection may take before it is closed.
    struct Timeouts: Sendable {
        /// For a request to arrive whole, or for a reader to take what is sent; trickling bytes
        /// does not move it.
        var request = 10.0
        /// For a kept-alive connection to send its next request.
        var idle = 60.0
        /// For the peer to close after the last answer.
        var drain = 2.0
        /// Event streams get a comment this often, so that a peer gone without a word is noticed.
        var heartbeat = 15.0
        /// How long an event stream is kept open; the page's `EventSource` then opens another.
        var eventStream = 600.0
    }

    let port: UInt16
    let timeouts: Timeouts
    private let listener: Int32
    private let wake: (read: Int32, write: Int32)
    private let lock = NSLock()
    private var pendingBroadcasts: [[UInt8]] = []

    /// Binds `host`:`port` (0 picks a free port); throws at once when it is taken.
    init(host: String, port: UInt16, timeouts: Timeouts = Timeouts()) throws(ServeError) {
        self.timeouts = timeouts
        var address = sockaddr_storage()
        var length: socklen_t
        let family: Int32
        let name = host == "localhost" ? "127.0.0.1" : host
        var v4 = sockaddr_in()
        var v6 = sockaddr_in6()
        if inet_pton(AF_INET, name, &v4.sin_addr) == 1 {
            family = AF_INET
            v4.sin_family = sa_family_t(AF_INET)
            v4.sin_port = port.bigEndian
            length = socklen_t(MemoryLayout<sockaddr_in>.size)
            withUnsafeMutableBytes(of: &address) { target in withUnsafeBytes(of: v4) { target.copyMemory(from: $0) } }
        } else if inet_pton(AF_INET6, name, &v6.sin6_addr) == 1 {
            family = AF_INET6
            v6.sin6_family = sa_family_t(AF_INET6)
            v6.sin6_port = port.bigEndian
            length = socklen_t(MemoryLayout<sockaddr_in6>.size)
            withUnsafeMutableBytes(of: &address) { target in withUnsafeBytes(of: v6) { target.copyMemory(from: $0) } }
        } else {
            throw .badAddress(host)
        }
        let socketType = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        let descriptor = socket(family, socketType, 0)
        guard descriptor >= 0 else { throw .system("open a socket", errno) }
        var yes: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard bound == 0 else {
            let code = errno
            close(descriptor)
            throw code == EADDRINUSE ? .portInUse(host: host, port: port) : .system("listen on \(host):\(port)", code)
        }
        guard listen(descriptor, 128) == 0 else {
            let code = errno
            close(descriptor)
            throw .system("listen on \(host):\(port)", code)
        }
        withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(descriptor, $0, &length) }
        }
        self.port =
            family == AF_INET
            ? UInt16(bigEndian: withUnsafeBytes(of: address) { $0.load(as: sockaddr_in.self).sin_port })
            : UInt16(bigEndian: withUnsafeBytes(of: address) { $0.load(as: sockaddr_in6.self).sin6_port })
        listener = descriptor
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else {
            let code = errno
            close(descriptor)
            throw .system("make a pipe", code)
        }
        for end in pipeEnds { Self.makeNonBlocking(end) }
        wake = (pipeEnds[0], pipeEnds[1])
    }

    /// Sends `bytes` to every open event stream; any thread may call it.
    func broadcast(_ bytes: [UInt8]) {
        lock.withLock { pendingBroadcasts.append(bytes) }
        var byte: UInt8 = 1
        _ = write(wake.write, &byte, 1)
    }

    /// Serves for ever on the calling thread, answering each request with `handler`.
    func run(_ handler: (HTTPRequestHead) -> Reply) -> Never {
        var connections: [Int32: Connection] = [:]
        var lastHeartbeat = Self.now
        // While the process has no descriptor to spare, the listener is left out of the poll
        // for a moment: its waiting connection would wake `poll` at once, over and over.
        var listenerPausedUntil = 0.0
        while true {
            let listening = Self.now >= listenerPausedUntil
            var descriptors = [
                pollfd(fd: listening ? listener : -1, events: Int16(POLLIN), revents: 0),
                pollfd(fd: wake.read, events: Int16(POLLIN), revents: 0),
            ]
            for (descriptor, connection) in connections {
                // One answer at a time: while one is being sent, further requests wait unread.
                var events = connection.hasOutput && !connection.isEventStream ? Int16(0) : Int16(POLLIN)
                if connection.hasOutput { events |= Int16(POLLOUT) }
                descriptors.append(pollfd(fd: descriptor, events: events, revents: 0))
            }
            let ready = poll(&descriptors, nfds_t(descriptors.count), 1000)
            if ready < 0, errno != EINTR { Thread.sleep(forTimeInterval: 0.01) }
            let now = Self.now
            var streams = StreamBudget(connections.values)

            if descriptors[1].revents != 0 {
                var drain = [UInt8](repeating: 0, count: 256)
                while read(wake.read, &drain, drain.count) > 0 {}
                let messages = lock.withLock { () -> [[UInt8]] in
                    defer { pendingBroadcasts = [] }
                    return pendingBroadcasts
                }
                for message in messages {
                    for descriptor in connections.keys where connections[descriptor]!.isEventStream {
                        connections[descriptor]!.queue(message)
                    }
                }
            }
            if descriptors[0].revents != 0 {
                while true {
                    var peer = sockaddr_storage()
                    var peerLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
                    let descriptor = withUnsafeMutablePointer(to: &peer) {
                        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { accept(listener, $0, &peerLength) }
                    }
                    guard descriptor >= 0 else {
                        if errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM { listenerPausedUntil = now + 0.1 }
                        break
                    }
                    Self.makeNonBlocking(descriptor)
                    if connections.count >= Self.maximumConnections {
                        close(descriptor)  // a flood: the newest are turned away, those served go on
                        continue
                    }
                    connections[descriptor] = Connection(descriptor: descriptor, client: Self.address(of: peer), now: now, timeouts: timeouts)
                }
            }
            for entry in descriptors.dropFirst(2) where entry.revents != 0 {
                guard var connection = connections.removeValue(forKey: entry.fd) else { continue }  // no copy of its buffers
                if entry.revents & Int16(POLLIN | POLLHUP | POLLERR | POLLNVAL) != 0 {
                    connection.receive(now: now)
                }
                if !connection.isClosed, entry.revents & Int16(POLLOUT) != 0 { connection.send(now: now) }
                if !connection.isClosed { connection.answer(now: now, handler: handler, streams: &streams) }
                connections[entry.fd] = connection
            }
            let beat = now - lastHeartbeat >= timeouts.heartbeat
            if beat { lastHeartbeat = now }
            for descriptor in Array(connections.keys) {
                var connection = connections.removeValue(forKey: descriptor)!
                if beat, connection.isEventStream { connection.queue(Array(": ping\n\n".utf8)) }
                if connection.hasOutput { connection.send(now: now) }
                if !connection.isClosed { connection.answer(now: now, handler: handler, streams: &streams) }
                connection.expire(now: now)
                if connection.isClosed {
                    close(descriptor)
                    connections[descriptor] = nil
                } else {
                    connections[descriptor] = connection
                }
            }
        }
    }

    /// The bytes of a client's address, without its port.
    private static func address(of peer: sockaddr_storage) -> [UInt8] {
        withUnsafeBytes(of: peer) { raw in
            switch Int32(peer.ss_family) {
            case AF_INET: withUnsafeBytes(of: raw.load(as: sockaddr_in.self).sin_addr) { Array($0) }
            case AF_INET6: withUnsafeBytes(of: raw.load(as: sockaddr_in6.self).sin6_addr) { Array($0) }
            default: []
            }
        }
    }

    /// How many more event streams may open, in all and per client address.
    private struct StreamBudget {
        private var total = 0
        private var perClient: [[UInt8]: Int] = [:]

        init(_ connections: Dictionary<Int32, Connection>.Values) {
            for connection in connections where connection.isEventStream { add(connection.client) }
        }

        func allows(_ client: [UInt8]) -> Bool {
            total < HTTPServer.maximumEventStreams && perClient[client, default: 0] < HTTPServer.maximumEventStreamsPerClient
        }

        mutating func add(_ client: [UInt8]) {
            total += 1
            perClient[client, default: 0] += 1
        }
    }

    /// Sets `O_NONBLOCK` and `FD_CLOEXEC` on a descriptor.
    private static func makeNonBlocking(_ descriptor: Int32) {
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
    }

    private static var now: Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// One client: what it has sent and not yet been answered, what is still to send to it.
    private struct Connection {
        let descriptor: Int32
        /// The client's address, by which event streams are counted.
        let client: [UInt8]
        private var input: [UInt8] = []
        private var progress = HTTPRequestHead.Progress()
        private var output: [UInt8] = []
        private var sent = 0
        private var closeWhenSent = false
        /// The answer is sent and our side shut: what the client still sends is read and
        /// dropped until it closes (or a moment passes), so that closing does not reset the
        /// connection and lose the answer.
        private var draining = false
        private(set) var isEventStream = false
        private(set) var isClosed = false
        /// When the connection is closed unless something happens: a request must arrive
        /// whole by then, an idle kept-alive connection is let go, a stalled reader is dropped.
        /// Trickling bytes does not move it.
        private var deadline: Double
        /// When an event stream is closed, its deadline aside.
        private var streamEnds: Double?
        private let timeouts: Timeouts

        init(descriptor: Int32, client: [UInt8], now: Double, timeouts: Timeouts) {
            self.descriptor = descriptor
            self.client = client
            self.timeouts = timeouts
            deadline = now + timeouts.request
        }

        var hasOutput: Bool { sent < output.count }

        mutating func queue(_ bytes: [UInt8]) {
            output += bytes
            // An event stream whose reader has stopped reading is let go, not buffered for ever.
            if isEventStream, output.count - sent > 1 << 20 { isClosed = true }
        }

        /// Reads what the client sent; bytes this server will not read (an event stream's, a
        /// body, those after a refused request) are dropped.
        mutating func receive(now: Double) {
            var buffer = [UInt8](repeating: 0, count: 16_384)
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count == 0 || (count < 0 && errno != EAGAIN && errno != EINTR) {
                isClosed = true  // the peer has gone: release it now
                return
            }
            guard count > 0, !isEventStream, !closeWhenSent, !draining else { return }
            if input.isEmpty, !hasOutput { deadline = now + timeouts.request }  // a new request begins
            input += buffer[..<count]
        }

        /// Answers the next whole request, if there is one and nothing is being sent.
        mutating func answer(now: Double, handler: (HTTPRequestHead) -> Reply, streams: inout StreamBudget) {
            guard !hasOutput, !closeWhenSent, !draining, !isEventStream, !input.isEmpty else { return }
            switch HTTPRequestHead.read(input[...], after: progress) {
            case .incomplete(let progress):
                self.progress = progress
            case .refused(let status):
                respond(
                    status, headers: [("Content-Type", "text/plain; charset=utf-8")],
                    body: Array("\(status.rawValue) \(status.reason)\n".utf8), head: nil, now: now)
            case .head(let head, let length):
                input.removeFirst(length)
                progress = HTTPRequestHead.Progress()
                switch handler(head) {
                case .response(let status, let headers, let body):
                    respond(status, headers: headers, body: body, head: head, now: now)
                case .eventStream where head.method == "HEAD":
                    respond(
                        .ok, headers: [("Content-Type", "text/event-stream"), ("Cache-Control", "no-store")], body: [],
                        head: head, now: now)
                case .eventStream where !streams.allows(client):
                    respond(
                        .serviceUnavailable, headers: [("Content-Type", "text/plain; charset=utf-8")],
                        body: Array("503 Service Unavailable: too many pages are open on this preview\n".utf8), head: nil, now: now)
                case .eventStream:
                    streams.add(client)
                    isEventStream = true
                    streamEnds = now + timeouts.eventStream
                    // `retry`: how soon the page opens a new stream once this one is closed.
                    queue(
                        Array(
                            ("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n"
                                + "Connection: keep-alive\r\n\r\nretry: 1000\n: connected\n\n").utf8))
                    input = []
                }
            }
        }

        private mutating func respond(
            _ status: HTTPStatus, headers: [(String, String)], body: [UInt8], head: HTTPRequestHead?,
            now: Double
        ) {
            let keepAlive = head.map { $0.keepsAlive && !$0.hasBody } ?? false
            var text = "HTTP/1.1 \(status.rawValue) \(status.reason)\r\n"
            for (name, value) in headers { text += "\(name): \(value)\r\n" }
            text += "Content-Length: \(body.count)\r\nConnection: \(keepAlive ? "keep-alive" : "close")\r\n\r\n"
            queue(Array(text.utf8))
            if head?.method != "HEAD" { queue(body) }
            deadline = now + timeouts.request
            if !keepAlive {
                closeWhenSent = true
                input = []
            }
        }

        /// Writes what the socket takes now, without raising SIGPIPE on a closed peer.
        mutating func send(now: Double) {
            while sent < output.count {
                let count = output.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
                if count < 0 {
                    if errno == EAGAIN || errno == EINTR { return }
                    isClosed = true
                    return
                }
                sent += count
                deadline = now + timeouts.request  // a reader that takes bytes is not stalled
            }
            output = []
            sent = 0
            if closeWhenSent {
                shutdown(descriptor, Int32(SHUT_WR))
                draining = true
                deadline = now + timeouts.drain
                return
            }
            if input.isEmpty { deadline = now + timeouts.idle }
        }

        /// Closes a connection past its deadline, and an event stream at the end of its time
        /// (a stalled one sooner, by its output bound).
        mutating func expire(now: Double) {
            if now > streamEnds ?? deadline { isClosed = true }
        }
    }
}

/// Why the preview server cannot start.
public enum ServeError: Error, CustomStringConvertible {
    case portInUse(host: String, port: UInt16)
    case badAddress(String)
    case system(String, Int32)

    public var description: String {
        switch self {
        case .portInUse(let host, let port): "port \(port) on \(host) is in use by another program: choose another with --port"
        case .badAddress(let host): "'\(host)' is not an IP address to listen on (as 127.0.0.1 or ::1)"
        case .system(let what, let code): "cannot \(what): \(String(cString: strerror(code)))"
        }
    }
}
