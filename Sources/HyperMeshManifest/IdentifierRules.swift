/// The spelling rules for extension identifiers and categories (the same rules as
/// `docs/extension.schema.json`).
public enum IdentifierRules {
    /// The longest extension identifier accepted, in characters.
    public static let maximumExtensionIDLength = 255
    /// The longest category accepted, in characters.
    public static let maximumCategoryLength = 64

    /// Why `id` is not a valid extension identifier, or nil if it is.
    ///
    /// An identifier is reverse-DNS: at least two labels separated by dots, each label
    /// `[a-z0-9]([a-z0-9-]*[a-z0-9])?` (lower-case ASCII letters, digits and inner hyphens), at most
    /// ``maximumExtensionIDLength`` characters in all. Example: `org.hypermesh.catalog`. Label
    /// lengths are not limited separately, and nothing checks that the domain exists.
    public static func extensionIDProblem(_ id: String) -> String? {
        guard !id.isEmpty else { return "it is empty; use reverse-DNS such as org.example.tool" }
        guard id.unicodeScalars.count <= maximumExtensionIDLength else {
            return "it is \(id.unicodeScalars.count) characters long; the maximum is \(maximumExtensionIDLength)"
        }
        let labels = id.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else {
            return "it needs at least two dot-separated labels, e.g. org.example.\(id)"
        }
        for label in labels {
            if let problem = labelProblem(label) { return problem }
        }
        return nil
    }

    /// Why `category` is not a valid category, or nil if it is: `[a-z][a-z0-9-]*`, at most
    /// ``maximumCategoryLength`` characters. Example: `assets`.
    public static func categoryProblem(_ category: String) -> String? {
        let scalars = category.unicodeScalars
        guard let first = scalars.first else { return "it is empty; use a lower-case word such as assets" }
        guard scalars.count <= maximumCategoryLength else {
            return "it is \(scalars.count) characters long; the maximum is \(maximumCategoryLength)"
        }
        guard ("a"..."z").contains(first) else { return "it must start with a lower-case letter a-z" }
        guard scalars.allSatisfy(isLowerAlphanumericOrHyphen) else {
            return "only lower-case letters a-z, digits and '-' are allowed"
        }
        return nil
    }

    private static func labelProblem(_ label: Substring) -> String? {
        let scalars = label.unicodeScalars
        guard let first = scalars.first, let last = scalars.last else {
            return "it has an empty label (two dots in a row, or a dot at either end)"
        }
        guard scalars.allSatisfy(isLowerAlphanumericOrHyphen) else {
            return "label '\(label)' may only contain lower-case letters a-z, digits and '-'"
        }
        guard first != "-", last != "-" else { return "label '\(label)' must not start or end with '-'" }
        return nil
    }

    private static func isLowerAlphanumericOrHyphen(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "-"
    }
}
