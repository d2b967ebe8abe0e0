import Foundation
import Testing
@testable import HyperMeshStrictJSON

@Suite struct JSONParserTests {
    private func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        try JSONParser.parse(Data(text.utf8))
    }

    private func failure(_ text: String) -> JSONParseError? {
        do {
            _ = try parse(text)
            return nil
        } catch {
            return error
        }
    }

    @Test func keepsMemberOrderAndDuplicates() throws {
        let value = try parse(#"{"b": 1, "a": [true, false, null], "b": "x"}"#)
        #expect(value == .object([
            JSONMember(key: "b", value: .number(JSONNumber(text: "1"))),
            JSONMember(key: "a", value: .array([.bool(true), .bool(false), .null])),
            JSONMember(key: "b", value: .string("x")),
        ]))
    }

    @Test func decodesEscapesAndUnicode() throws {
        let value = try parse(#"["\"\\\/\b\f\n\r\t", "\u00e9\ud83d\ude80", "é"]"#)
        #expect(value == .array([.string("\"\\/\u{8}\u{C}\n\r\t"), .string("é🚀"), .string("é")]))
    }

    @Test func keepsNumberTextExactly() throws {
        #expect(try parse("[-0, 1.50, 1E+3, 18446744073709551616]") == .array([
            .number(JSONNumber(text: "-0")), .number(JSONNumber(text: "1.50")),
            .number(JSONNumber(text: "1E+3")), .number(JSONNumber(text: "18446744073709551616")),
        ]))
    }

    @Test(arguments: [
        ("", "the document is empty"), ("   ", "the document is empty"),
        ("{", "expected a key"), ("{\"a\" 1}", "expected ':'"), ("{\"a\": 1,}", "trailing comma"),
        ("[1,]", "trailing comma"), ("[1 2]", "expected ',' or ']'"), ("{} {}", "after the end"),
        ("01", "leading zeros"), ("-", "expected a digit"), ("1.", "decimal point"), ("1e", "exponent"),
        ("NaN", "expected a value"), ("-Infinity", "expected a digit"), ("tru", "expected true"),
        ("'a'", "expected a value"), ("\"abc", "unterminated string"), ("\"a\u{1}\"", "control character"),
        ("\"\\x\"", "invalid escape"), ("\"\\u12\"", "four hexadecimal digits"),
        ("\"\\ud800\"", "unpaired high surrogate"), ("\"\\udc00\"", "unpaired low surrogate"),
        ("\"\\ud800\\u0041\"", "not a low surrogate"), ("\u{FEFF}{}", "byte order mark"),
        ("// comment\n{}", "expected a value"),
    ])
    func rejectsWhatRFC8259Rejects(text: String, reasonFragment: String) throws {
        let error = try #require(failure(text))
        #expect(error.reason.contains(reasonFragment), "\(error)")
    }

    @Test func rejectsInvalidUTF8() throws {
        for bytes: [UInt8] in [[0x22, 0xFF, 0x22], [0x22, 0xC3, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], [0xC3, 0xA9]] {
            #expect(throws: JSONParseError.self) { try JSONParser.parse(Data(bytes)) }
        }
    }

    @Test func reportsLineAndColumn() throws {
        let error = try #require(failure("{\n  \"é\": tru\n}"))
        #expect(error.line == 2)
        #expect(error.column == 8)
        #expect(error.offset == 10)
        #expect(error.description == "line 2, column 8: invalid literal; expected true (strings need double quotes)")
    }

    @Test func limitsNesting() throws {
        let deepest = JSONParser.maximumDepth
        #expect(throws: Never.self) {
            try parse(String(repeating: "[", count: deepest) + String(repeating: "]", count: deepest))
        }
        let tooDeep = try #require(failure(String(repeating: "[", count: deepest + 1) + String(repeating: "]", count: deepest + 1)))
        #expect(tooDeep.reason.contains("nested more than \(deepest) levels"))
        // Far deeper input must fail the same way instead of exhausting the stack.
        #expect(failure(String(repeating: "{\"a\":", count: 200_000)) != nil)
    }

    @Test(arguments: [
        ("0", JSONNumber.IntegerValue.value(0)), ("-0", .value(0)), ("-0.0e7", .value(0)), ("1.0", .value(1)),
        ("1e3", .value(1000)), ("1.5e1", .value(15)), ("100e-2", .value(1)), ("2E+0", .value(2)),
        ("18446744073709551615", .value(.max)), ("1.8446744073709551615e19", .value(.max)),
        ("1e19", .value(10_000_000_000_000_000_000)),
        ("1.25e1", .fractional), ("0.5", .fractional), ("1e-1", .fractional), ("-1.5", .fractional),
        ("-1", .negative), ("-1e2", .negative),
        ("18446744073709551616", .tooLarge), ("1e20", .tooLarge), ("1e999999999999999999999", .tooLarge),
        ("0e999999999999999999999", .value(0)), ("1e-999999999999999999999", .fractional),
    ])
    func readsIntegersExactly(text: String, expected: JSONNumber.IntegerValue) {
        #expect(JSONNumber(text: text).integerValue == expected)
    }
}
