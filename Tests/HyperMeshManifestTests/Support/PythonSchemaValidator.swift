import Foundation
import HyperMeshTestSupport

/// Validates files against a JSON Schema (draft 2020-12) with Python's `jsonschema`, run as
/// `python3` from `PATH`. A missing interpreter or module is an error with a clear message, so a
/// test using this fails instead of skipping.
enum PythonSchemaValidator {
    struct Verdict: Decodable, Equatable {
        /// Parsed as strict JSON and valid against the schema.
        var valid: Bool
        /// The parser's or the validator's best explanation when not valid.
        var reason: String?
    }

    struct Unavailable: Error, CustomStringConvertible {
        var description: String
    }

    /// Checks the schema against the draft 2020-12 meta-schema, then validates each file.
    /// Files that are not strict JSON (Python's `NaN`/`Infinity` extensions are refused too) are
    /// reported as not valid. Returns the verdicts keyed by file path.
    static func validate(_ files: [URL], against schema: URL) throws -> [String: Verdict] {
        let workFolder = FileManager.default.temporaryDirectory
            .appendingPathComponent("hypermesh-schema-check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: workFolder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: workFolder) }
        let output = workFolder.appendingPathComponent("stdout")
        let errors = workFolder.appendingPathComponent("stderr")
        try Data().write(to: output)
        try Data().write(to: errors)

        let rawStatus = try ChildProcess.run(
            ["/usr/bin/env", "python3", "-c", script, schema.path] + files.map(\.path),
            outputPath: output.path, errorPath: errors.path)
        let status = ChildProcess.exitStatus(rawStatus) ?? -1

        let errorText = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
        switch status {
        case 0:
            let data = try Data(contentsOf: output)
            return try JSONDecoder().decode([String: Verdict].self, from: data)
        case 127:
            throw Unavailable(description: "python3 was not found on PATH; it is needed to check docs/extension.schema.json (install Python 3 and `pip install jsonschema`). \(errorText)")
        case 3:
            throw Unavailable(description: "the Python module jsonschema is missing; install it with `pip install jsonschema` (\(errorText))")
        default:
            throw Unavailable(description: "the schema check ended with \(ChildProcess.describe(rawStatus)): \(errorText)")
        }
    }

    private static let script = #"""
import json, sys
try:
    import jsonschema
except ImportError as error:
    print("cannot import jsonschema: %s" % error, file=sys.stderr)
    sys.exit(3)

def refuse_constant(name):
    raise ValueError("%s is not JSON" % name)

with open(sys.argv[1], encoding="utf-8") as schema_file:
    schema = json.load(schema_file)
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
verdicts = {}
for path in sys.argv[2:]:
    try:
        with open(path, "rb") as instance_file:
            instance = json.loads(instance_file.read().decode("utf-8"), parse_constant=refuse_constant)
    except ValueError as error:
        verdicts[path] = {"valid": False, "reason": "not JSON: %s" % error}
        continue
    error = jsonschema.exceptions.best_match(validator.iter_errors(instance))
    verdicts[path] = {"valid": error is None, "reason": None if error is None else error.message}
json.dump(verdicts, sys.stdout)
"""#
}
