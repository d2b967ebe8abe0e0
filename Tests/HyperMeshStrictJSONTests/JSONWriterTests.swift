import Foundation
import Testing
@testable import HyperMeshStrictJSON

@Suite struct JSONWriterTests {
    private func text(_ value: JSONValue, pretty: Bool) -> String {
        String(decoding: JSONWriter.data(for: value, prettyPrinted: pretty), as: UTF8.self)
    }

    @Test func sortsKeysByUTF8BytesAtEveryLevel() {
        let value: JSONValue = ["b": ["z": 1, "a": 2], "B": [], "a": [:], "é": true, "_": false]
        #expect(text(value, pretty: false) == #"{"B":[],"_":false,"a":{},"b":{"a":2,"z":1},"é":true}"#)
    }

    @Test func prettyPrintsWithTwoSpacesAndAFinalNewline() {
        let value: JSONValue = ["list": [1, "two"], "empty": [], "object": ["k": .null]]
        #expect(text(value, pretty: true) == """
        {
          "empty": [],
          "list": [
            1,
            "two"
          ],
          "object": {
            "k": null
          }
        }

        """)
    }

    @Test func escapesOnlyWhatJSONRequires() throws {
        let original = "quote \" backslash \\ slash / tab \t newline \n nul \u{0} bell \u{7} del \u{7F} é 🚀"
        let written = text(.string(original), pretty: false)
        #expect(written == #""quote \" backslash \\ slash / tab \t newline \n nul \u0000 bell \u0007 del "# + "\u{7F} é 🚀\"")
        #expect(try JSONParser.parse(Data(written.utf8)) == .string(original))
    }
}
