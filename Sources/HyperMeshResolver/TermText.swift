/// How terms, incompatibilities and pairs of them read in an explanation.
///
/// Version sets print as the range they came from where there is one (`b ^2.0.0`), else from the
/// candidates: `a 2.0.0` for one version, `every version of a` (or `any version of a` after
/// "depends on"), or bounds taken from the neighbouring candidates: `a >=1.0.0 <2.0.0`,
/// `a <1.1.0`, `a >=2.0.0`, alternatives joined with `||`.
struct TermText {
    let table: PackageTable
    let incompatibilities: [Incompatibility]

    // MARK: Terms

    /// `package` with `set`, as the subject of a sentence ("every version of a", "a >=2.0.0").
    func subject(_ term: Term) -> String { phrase(term, every: true) }

    /// `package` with `set`, as an object ("any version of a", "b ^2.0.0").
    func object(_ term: Term) -> String { phrase(term, every: false) }

    private func phrase(_ term: Term, every: Bool) -> String {
        let package = term.package
        if package == PackageTable.root { return "the root" }
        let id = table.ids[package]
        if term.label >= 0 {
            let text = table.labels[term.label].text
            if text != "*" { return "\(id) \(text)" }
            if table.candidates[package].isEmpty { return id }
        }
        if term.set == table.all[package] { return every ? "every version of \(id)" : "any version of \(id)" }
        return "\(id) \(versions(term.set, of: package))"
    }

    /// The versions of `set`, as bounds between candidates.
    func versions(_ set: VersionSet, of package: Int) -> String {
        let candidates = table.candidates[package]
        var runs: [String] = []
        // Index count-1 is the lowest version; walk upwards.
        var index = candidates.count - 1
        while index >= 0 {
            guard set.contains(index) else { index -= 1; continue }
            let lowest = index
            while index - 1 >= 0 && set.contains(index - 1) { index -= 1 }
            let highest = index
            if lowest == highest {
                runs.append(candidates[lowest].version.description)
            } else if lowest == candidates.count - 1 {
                runs.append("<\(candidates[highest - 1].version)")
            } else if highest == 0 {
                runs.append(">=\(candidates[lowest].version)")
            } else {
                runs.append(">=\(candidates[lowest].version) <\(candidates[highest - 1].version)")
            }
            index -= 1
        }
        return runs.isEmpty ? "(no version)" : runs.joined(separator: " || ")
    }

    /// "(b has 1.0.0, 1.1.0)", or "(b has 1.0.0 … 3.3.0, 10 versions)" beyond five versions.
    func available(_ package: Int) -> String {
        let versions = table.candidates[package].reversed().map(\.version.description)
        let list = versions.count <= 5 ? versions.joined(separator: ", ") : "\(versions[0]) … \(versions[versions.count - 1]), \(versions.count) versions"
        return "(\(table.ids[package]) has \(list))"
    }

    // MARK: Incompatibilities

    /// One incompatibility as a clause ("a 1.0.0 depends on b ^2.0.0", "a >=2.0.0 is forbidden").
    func text(_ index: Int) -> String {
        let incompatibility = incompatibilities[index]
        let terms = incompatibility.terms
        switch incompatibility.cause {
        case .root:
            return "the root is required"
        case .dependency(let target, let kind):
            let depender = subject(terms[0])
            switch kind {
            case .ordinary, .selfDependency:
                return "\(depender) depends on \(object(target))"
            case .unknownPackage:
                return "\(depender) depends on \(object(target)) but \(table.ids[target.package]) is not in the index"
            case .noMatchingVersion:
                return "\(depender) depends on \(object(target)) which matches no version \(available(target.package))"
            }
        case .excluded(let reason):
            return "\(table.ids[terms[0].package]) \(versions(terms[0].set, of: terms[0].package)) \(reason)"
        case .derived:
            return derivedText(terms)
        }
    }

    private func derivedText(_ terms: [Term]) -> String {
        if terms.isEmpty || (terms.count == 1 && terms[0].isPositive && terms[0].package == PackageTable.root) {
            return "version solving failed"
        }
        if terms.count == 1 {
            return terms[0].isPositive ? "\(subject(terms[0])) is forbidden" : "\(object(terms[0])) is required"
        }
        let positives = terms.filter(\.isPositive)
        let negatives = terms.filter { !$0.isPositive }
        if terms.count == 2 {
            if positives.count == 2 { return "\(subject(positives[0])) is incompatible with \(subject(positives[1]))" }
            if negatives.count == 2 { return "\(object(negatives[0])) or \(object(negatives[1])) is required" }
            return "\(subject(positives[0])) requires \(object(negatives[0]))"
        }
        if !positives.isEmpty && !negatives.isEmpty {
            let then = negatives.map(object).joined(separator: " or ")
            if positives.count == 1 { return "\(subject(positives[0])) requires \(then)" }
            return "if \(positives.map(subject).joined(separator: " and ")) then \(then)"
        }
        if !positives.isEmpty { return "one of \(positives.map(subject).joined(separator: " or ")) must be false" }
        return "one of \(negatives.map(object).joined(separator: " or ")) must be true"
    }

    // MARK: Pairs

    /// Two incompatibilities as one clause, with their line numbers where they have them
    /// ("a depends on b ^1.0.0 which depends on c ^2.0.0", "the root depends on a ^2.0.0 and c ^1.0.0").
    func and(_ first: Int, _ second: Int, _ firstLine: Int? = nil, _ secondLine: Int? = nil) -> String {
        if let both = requiresBoth(first, second, firstLine, secondLine) { return both }
        if let through = requiresThrough(first, second, firstLine, secondLine) { return through }
        if let forbidden = requiresForbidden(first, second, firstLine, secondLine) { return forbidden }
        return "\(text(first))\(mark(firstLine)) and \(text(second))\(mark(secondLine))"
    }

    private func mark(_ line: Int?) -> String { line.map { " (\($0))" } ?? "" }

    private func single(_ terms: [Term], positive: Bool) -> Term? {
        let matching = terms.filter { $0.isPositive == positive }
        return matching.count == 1 ? matching[0] : nil
    }

    private func verb(_ index: Int) -> String {
        if case .dependency(_, .ordinary) = incompatibilities[index].cause { return "depends on" }
        return "requires"
    }

    /// "X depends on A and B": both require something of the same depender.
    private func requiresBoth(_ first: Int, _ second: Int, _ firstLine: Int?, _ secondLine: Int?) -> String? {
        let one = incompatibilities[first].terms
        let two = incompatibilities[second].terms
        guard one.count > 1, two.count > 1,
              let onePositive = single(one, positive: true), let twoPositive = single(two, positive: true),
              onePositive.package == twoPositive.package, onePositive.set == twoPositive.set else { return nil }
        var parts = [
            (one.filter { !$0.isPositive }.map(object).joined(separator: " or ") + mark(firstLine), onePositive),
            (two.filter { !$0.isPositive }.map(object).joined(separator: " or ") + mark(secondLine), twoPositive),
        ]
        if firstLine == nil && secondLine == nil { parts.sort { $0.0 < $1.0 } }
        let bothDependencies = verb(first) == "depends on" && verb(second) == "depends on"
        return "\(subject(onePositive)) \(bothDependencies ? "depends on" : "requires") \(parts[0].0) and \(parts[1].0)"
    }

    /// "a depends on b ^1.0.0 which depends on c ^2.0.0": the second starts where the first ends.
    private func requiresThrough(_ first: Int, _ second: Int, _ firstLine: Int?, _ secondLine: Int?) -> String? {
        let one = incompatibilities[first].terms
        let two = incompatibilities[second].terms
        guard one.count > 1, two.count > 1 else { return nil }
        let prior: Int, latter: Int, priorNegative: Term, priorLine: Int?, latterLine: Int?
        if let negative = single(one, positive: false), let positive = single(two, positive: true),
           negative.package == positive.package, negative.inverse.satisfies(positive) {
            (prior, latter, priorNegative, priorLine, latterLine) = (first, second, negative, firstLine, secondLine)
        } else if let negative = single(two, positive: false), let positive = single(one, positive: true),
                  negative.package == positive.package, negative.inverse.satisfies(positive) {
            (prior, latter, priorNegative, priorLine, latterLine) = (second, first, negative, secondLine, firstLine)
        } else {
            return nil
        }
        let priorPositives = incompatibilities[prior].terms.filter(\.isPositive)
        var text = priorPositives.count == 1
            ? "\(subject(priorPositives[0])) \(verb(prior)) "
            : "if \(priorPositives.map(subject).joined(separator: " or ")) then "
        text += object(priorNegative) + mark(priorLine)
        let latterNegatives = incompatibilities[latter].terms.filter { !$0.isPositive }
        text += " which \(verb(latter)) " + latterNegatives.map(object).joined(separator: " or ") + mark(latterLine)
        return text
    }

    /// "a depends on b 2.0.0 which supports host ABI 2; this host has 1": the second forbids what
    /// the first requires.
    private func requiresForbidden(_ first: Int, _ second: Int, _ firstLine: Int?, _ secondLine: Int?) -> String? {
        let one = incompatibilities[first].terms
        let two = incompatibilities[second].terms
        guard one.count == 1 || two.count == 1 else { return nil }
        let (prior, latter, priorLine, latterLine) = two.count == 1 ? (first, second, firstLine, secondLine) : (second, first, secondLine, firstLine)
        let priorTerms = incompatibilities[prior].terms
        let latterTerm = incompatibilities[latter].terms[0]
        // An excluded version reads best as its own clause ("… and b 2.0.0 is yanked").
        if case .excluded = incompatibilities[latter].cause { return nil }
        guard priorTerms.count > 1, latterTerm.isPositive, let negative = single(priorTerms, positive: false),
              negative.package == latterTerm.package, negative.inverse.satisfies(latterTerm) else { return nil }
        let positives = priorTerms.filter(\.isPositive)
        var text = positives.count == 1
            ? "\(subject(positives[0])) \(verb(prior)) "
            : "if \(positives.map(subject).joined(separator: " or ")) then "
        // The range as the prior states it when it names the same versions.
        let named = negative.set == latterTerm.set ? negative.inverse : latterTerm
        text += object(named) + mark(priorLine) + " "
        switch incompatibilities[latter].cause {
        case .dependency(let target, .unknownPackage):
            text += "which depends on \(object(target)) but \(table.ids[target.package]) is not in the index"
        case .dependency(let target, .noMatchingVersion):
            text += "which depends on \(object(target)) which matches no version \(available(target.package))"
        default: text += "which is forbidden"
        }
        return text + mark(latterLine)
    }
}
