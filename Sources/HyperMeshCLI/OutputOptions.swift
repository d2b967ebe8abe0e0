import ArgumentParser

/// `--json`, shared by every command that prints: text for people by default, one JSON document
/// on stdout for programs.
///
/// With `--json`, stdout holds exactly one JSON document: the command's result on success (each
/// command's help and docs/errors.md describe it), or the error document
/// `{"error":{"code","category","extension","message","cause","causes"}}` on failure, with the
/// exit status of the error's category. Progress lines and logs go to stderr, never to stdout.
/// Not guaranteed: that the result document of one command keeps fields it does not list in its
/// own help (new fields may appear; none disappear within a version of the CLI).
public struct OutputOptions: ParsableArguments {
    @Flag(help: ArgumentHelp(
        "Print one JSON document on stdout: the result, or {\"error\":{code,category,extension,message,cause,causes}} on failure (docs/errors.md). Progress stays on stderr."))
    public var json = false

    public init() {}
}
