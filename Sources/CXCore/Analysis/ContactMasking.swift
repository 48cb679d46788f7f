/// Masks the contact details customers write into their comments — e-mail addresses, phone
/// numbers, card numbers and account or policy numbers — before a comment is kept to be
/// quoted, so that none reaches a page. On by default; `privacy: mask:` in `cxsite.yaml`
/// chooses the kinds (`mask: []` turns it off). The patterns are in docs/privacy.md.
struct ContactMasking: Sendable, Equatable, Hashable {
    enum Kind: String, CaseIterable, Sendable, Hashable {
        case emails
        case phoneNumbers = "phone-numbers"
        case cardNumbers = "card-numbers"
        case accountNumbers = "account-numbers"

        /// What stands in a comment where a detail was.
        var placeholder: String {
            switch self {
            case .emails: "[email]"
            case .phoneNumbers: "[phone number]"
            case .cardNumbers: "[card number]"
            case .accountNumbers: "[account number]"
            }
        }
    }

    var kinds: Set<Kind> = Set(Kind.allCases)

    /// The fewest digits in a run that is masked as a phone or account number: a date
    /// (`2026-10-14`, 8 digits) is left as it is by its shape.
    static let digitsInANumber = 8

    /// `text` with each contact detail replaced by its placeholder, and how many were.
    func masked(_ text: String) -> (text: String, count: Int) {
        guard !kinds.isEmpty else { return (text, 0) }
        let bytes = Array(text.utf8)
        let found = details(in: bytes)
        guard !found.isEmpty else { return (text, 0) }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var position = 0
        for (range, kind) in found {
            output += bytes[position..<range.lowerBound]
            output += Array(kind.placeholder.utf8)
            position = range.upperBound
        }
        output += bytes[position...]
        return (String(decoding: output, as: UTF8.self), found.count)
    }

    /// The details in `bytes`, in order, not overlapping.
    private func details(in bytes: [UInt8]) -> [(Range<Int>, Kind)] {
        var found: [(Range<Int>, Kind)] = []
        var index = 0
        while index < bytes.count {
            // A word: up to the next space. E-mail addresses and references with letters.
            if !Self.isSpace(bytes[index]), index == 0 || Self.isSpace(bytes[index - 1]) {
                var end = index
                while end < bytes.count, !Self.isSpace(bytes[end]) { end += 1 }
                let word = Self.trimmed(bytes, index..<end)
                if let kind = wordKind(bytes, word) {
                    found.append((word, kind))
                    index = end
                    continue
                }
            }
            // A run of digits and separators: phone, card and account numbers.
            if Self.startsNumber(bytes, at: index) {
                let run = Self.numberRun(bytes, from: index)
                if let kind = numberKind(bytes, run.range, digits: run.digits) {
                    found.append((run.range, kind))
                }
                index = max(run.range.upperBound, index + 1)
                continue
            }
            index += 1
        }
        return found
    }

    /// An e-mail address (`name@host.tld`), or a reference mixing letters and at least six
    /// digits (`POL-2024-118273`, `AB123456`).
    private func wordKind(_ bytes: [UInt8], _ word: Range<Int>) -> Kind? {
        guard word.count >= 5 else { return nil }
        if kinds.contains(.emails), let at = bytes[word].firstIndex(of: UInt8(ascii: "@")), at > word.lowerBound,
            let dot = bytes[(at + 1)..<word.upperBound].lastIndex(of: UInt8(ascii: ".")), dot > at + 1,
            word.upperBound - dot > 2
        {
            return .emails
        }
        guard kinds.contains(.accountNumbers) else { return nil }
        var digits = 0
        var letters = 0
        for byte in bytes[word] {
            if Self.isDigit(byte) {
                digits += 1
            } else if Self.isLetter(byte) {
                letters += 1
            } else if byte != UInt8(ascii: "-") && byte != UInt8(ascii: "/") && byte != UInt8(ascii: "#") {
                return nil
            }
        }
        return digits >= 6 && letters > 0 ? .accountNumbers : nil
    }

    /// A card number (13 to 19 digits that pass the Luhn check), a phone number (8 to 15
    /// digits, starting with `+`, `0` or `(`), or an account number (any other run of at
    /// least ``digitsInANumber`` digits); a date is none of them.
    private func numberKind(_ bytes: [UInt8], _ range: Range<Int>, digits: [UInt8]) -> Kind? {
        guard digits.count >= Self.digitsInANumber, !Self.isDate(bytes[range]) else { return nil }
        if (13...19).contains(digits.count), Self.passesLuhn(digits) {
            return kinds.contains(.cardNumbers) ? .cardNumbers : nil
        }
        let first = bytes[range.lowerBound]
        if digits.count <= 15, first == UInt8(ascii: "+") || first == UInt8(ascii: "(") || first == UInt8(ascii: "0") {
            return kinds.contains(.phoneNumbers) ? .phoneNumbers : nil
        }
        return kinds.contains(.accountNumbers) ? .accountNumbers : nil
    }

    private static func startsNumber(_ bytes: [UInt8], at index: Int) -> Bool {
        guard index == 0 || !isDigit(bytes[index - 1]) && !isLetter(bytes[index - 1]) else { return false }
        if isDigit(bytes[index]) { return true }
        let opener = bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "(")
        return opener && index + 1 < bytes.count && isDigit(bytes[index + 1])
    }

    /// Digits with single separators between them (space, `-`, `.`, `(`, `)`), from `start`
    /// to its last digit; and the digits.
    private static func numberRun(_ bytes: [UInt8], from start: Int) -> (range: Range<Int>, digits: [UInt8]) {
        var digits: [UInt8] = []
        var end = start + 1
        var index = start
        var separators = 0
        while index < bytes.count {
            let byte = bytes[index]
            if isDigit(byte) {
                digits.append(byte)
                separators = 0
                end = index + 1
            } else if (byte == UInt8(ascii: " ") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "(")
                || byte == UInt8(ascii: ")") || (byte == UInt8(ascii: "+") && index == start)) && separators < 2
            {
                separators += 1
            } else {
                break
            }
            index += 1
        }
        // A letter right after the digits makes a word of them (`12345678th`): not a number.
        if end < bytes.count, isLetter(bytes[end]) { return (start..<end, []) }
        return (start..<end, digits)
    }

    /// `2026-10-14`, `14.10.2026`, `2026-10-14 09`: a date leads the run, its parts joined by
    /// one `-` or `.` each, the same twice (`44 20 7946` is a phone number's start).
    private static func isDate(_ run: ArraySlice<UInt8>) -> Bool {
        var groups: [Int] = [0]
        var separators: [UInt8] = []
        for byte in run {
            if isDigit(byte) {
                groups[groups.count - 1] += 1
            } else {
                guard groups.count < 3 else { break }
                separators.append(byte)
                groups.append(0)
            }
        }
        guard groups.count == 3, separators[0] == separators[1], separators[0] == UInt8(ascii: "-") || separators[0] == UInt8(ascii: ".")
        else { return false }
        return (groups[0] == 4 && groups[1] <= 2 && groups[2] <= 2) || (groups[0] <= 2 && groups[1] <= 2 && groups[2] == 4)
    }

    private static func passesLuhn(_ digits: [UInt8]) -> Bool {
        var sum = 0
        for (offset, digit) in digits.reversed().enumerated() {
            var value = Int(digit - UInt8(ascii: "0"))
            if offset % 2 == 1 {
                value *= 2
                if value > 9 { value -= 9 }
            }
            sum += value
        }
        return sum % 10 == 0
    }

    /// `range` without the punctuation that can close a sentence or wrap a word.
    private static let wrapping: Set<UInt8> = Set("()[]<>\"'.,;:!?".utf8)

    private static func trimmed(_ bytes: [UInt8], _ range: Range<Int>) -> Range<Int> {
        var lower = range.lowerBound
        var upper = range.upperBound
        while lower < upper, wrapping.contains(bytes[lower]) { lower += 1 }
        while upper > lower, wrapping.contains(bytes[upper - 1]) { upper -= 1 }
        return lower..<upper
    }

    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
    private static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }
}
