import HyperMeshManifest

/// Turns the derivation graph of the incompatibility that ruled the root out into a
/// ``ResolverFailure``: the explanation (pub's error reporting algorithm), the facts it rests on
/// and the packages it names.
///
/// The walk is iterative (an explicit stack of steps), so a derivation thousands of steps deep
/// does not exhaust the thread's stack.
struct FailureReport {
    let incompatibilities: [Incompatibility]
    let table: PackageTable
    /// The failing incompatibility.
    let root: Int

    private var text: TermText { TermText(table: table, incompatibilities: incompatibilities) }

    func failure() -> ResolverFailure {
        let leaves = externalLeaves()
        var facts: [ResolverFailure.Fact] = []
        var packages: Set<String> = []
        for leaf in leaves {
            let incompatibility = incompatibilities[leaf]
            for term in incompatibility.terms where term.package != PackageTable.root { packages.insert(table.ids[term.package]) }
            switch incompatibility.cause {
            case .dependency(let target, let kind):
                packages.insert(table.ids[target.package])
                let depender = incompatibility.terms[0]
                let dependent = depender.package == PackageTable.root ? nil : table.ids[depender.package]
                let versions = dependent == nil ? [] : depender.set.indices.reversed().map { table.candidates[depender.package][$0].version }
                let range = table.labels[target.label]
                let targetID = table.ids[target.package]
                switch kind {
                case .ordinary, .selfDependency:
                    facts.append(.dependency(dependent: dependent, versions: versions, target: targetID, range: range))
                case .unknownPackage:
                    facts.append(.unknownPackage(dependent: dependent, versions: versions, target: targetID, range: range))
                case .noMatchingVersion:
                    facts.append(.noMatchingVersion(dependent: dependent, versions: versions, target: targetID, range: range))
                }
            case .excluded(let reason):
                let term = incompatibility.terms[0]
                for index in term.set.indices {
                    facts.append(.excluded(id: table.ids[term.package], version: table.candidates[term.package][index].version, reason: reason))
                }
            case .root, .derived:
                break
            }
        }
        let unknown = facts.contains { if case .unknownPackage = $0 { true } else { false } }
        return ResolverFailure(
            code: unknown ? .unknownPackage : .noSolution, explanation: explanation(), packages: packages.sorted(), facts: facts)
    }

    /// The external incompatibilities of the graph, in the order of a depth-first walk, each once.
    private func externalLeaves() -> [Int] {
        var seen: Set<Int> = []
        var stack = [root]
        var leaves: [Int] = []
        while let index = stack.popLast() {
            guard seen.insert(index).inserted else { continue }
            if case .derived(let first, let second) = incompatibilities[index].cause {
                stack.append(second)
                stack.append(first)
            } else {
                leaves.append(index)
            }
        }
        return leaves
    }

    // MARK: The explanation

    /// One step of the walk: explain a derived incompatibility, or write a line whose text is
    /// computed when the step runs (it may refer to line numbers given by earlier steps).
    private enum Step {
        case visit(Int, conclusion: Bool)
        case blank
        case write(Int, numbered: Bool, Line)
    }

    /// The templates of the lines ("X" is the incompatibility the line concludes).
    private enum Line {
        /// "Because A (n) and B (m), X."
        case becauseBoth(Int, Int)
        /// "So/And because A (n), X."
        case conjunctionWithLine(String, Int)
        /// "Thus, X."
        case thus
        /// "So/And because A and B, X."
        case conjunctionAnd(String, Int, Int)
        /// "So/And because A, X."
        case conjunction(String, Int)
    }

    private func isDerived(_ index: Int) -> Bool { incompatibilities[index].isDerived }

    private func causes(_ index: Int) -> (Int, Int) {
        guard case .derived(let first, let second) = incompatibilities[index].cause else {
            preconditionFailure("only derived incompatibilities have causes")
        }
        return (first, second)
    }

    /// How many derived incompatibilities each one is a cause of.
    private func derivationCounts() -> [Int: Int] {
        var counts: [Int: Int] = [:]
        var stack = [root]
        while let index = stack.popLast() {
            counts[index, default: 0] += 1
            if counts[index] == 1, case .derived(let first, let second) = incompatibilities[index].cause {
                stack.append(second)
                stack.append(first)
            }
        }
        return counts
    }

    func explanation() -> String {
        let text = self.text
        guard isDerived(root) else { return "Because \(text.text(root)), version solving failed." }
        let counts = derivationCounts()
        var lines: [(message: String, number: Int?)] = []
        var lineNumbers: [Int: Int] = [:]
        var steps: [Step] = [.visit(root, conclusion: false)]

        func isCollapsible(_ index: Int) -> Bool {
            if counts[index, default: 0] > 1 { return false }
            let (first, second) = causes(index)
            if isDerived(first) == isDerived(second) { return false }
            let complex = isDerived(first) ? first : second
            return lineNumbers[complex] == nil
        }

        while let step = steps.popLast() {
            switch step {
            case .blank:
                lines.append(("", nil))
            case .write(let index, let numbered, let template):
                let conclusion = index == root ? "version solving failed" : text.text(index)
                let message: String
                switch template {
                case .becauseBoth(let first, let second):
                    message = "Because \(text.and(first, second, lineNumbers[first], lineNumbers[second])), \(conclusion)."
                case .conjunctionWithLine(let conjunction, let cause):
                    message = "\(conjunction) because \(text.text(cause)) (\(lineNumbers[cause] ?? 0)), \(conclusion)."
                case .thus:
                    message = "Thus, \(conclusion)."
                case .conjunctionAnd(let conjunction, let first, let second):
                    message = "\(conjunction) because \(text.and(first, second)), \(conclusion)."
                case .conjunction(let conjunction, let cause):
                    message = "\(conjunction) because \(text.text(cause)), \(conclusion)."
                }
                if numbered {
                    let number = lineNumbers.count + 1
                    lineNumbers[index] = number
                    lines.append((message, number))
                } else {
                    lines.append((message, nil))
                }
            case .visit(let index, let conclusion):
                let numbered = conclusion || counts[index, default: 0] > 1
                let conjunction = conclusion || index == root ? "So," : "And"
                let (first, second) = causes(index)
                // Steps run in the reverse order of pushing.
                var plan: [Step] = []
                if isDerived(first) && isDerived(second) {
                    let firstLine = lineNumbers[first]
                    let secondLine = lineNumbers[second]
                    if firstLine != nil && secondLine != nil {
                        plan = [.write(index, numbered: numbered, .becauseBoth(first, second))]
                    } else if firstLine != nil || secondLine != nil {
                        let (withLine, withoutLine) = firstLine != nil ? (first, second) : (second, first)
                        plan = [.visit(withoutLine, conclusion: false),
                                .write(index, numbered: numbered, .conjunctionWithLine(conjunction, withLine))]
                    } else {
                        let firstSimple = isSingleLine(first)
                        let secondSimple = isSingleLine(second)
                        if firstSimple || secondSimple {
                            let (complex, simple) = secondSimple ? (first, second) : (second, first)
                            plan = [.visit(complex, conclusion: false), .visit(simple, conclusion: false),
                                    .write(index, numbered: numbered, .thus)]
                        } else {
                            plan = [.visit(first, conclusion: true), .blank, .visit(second, conclusion: false),
                                    .write(index, numbered: numbered, .conjunctionWithLine(conjunction, first))]
                        }
                    }
                } else if isDerived(first) || isDerived(second) {
                    let (derived, external) = isDerived(first) ? (first, second) : (second, first)
                    if lineNumbers[derived] != nil {
                        plan = [.write(index, numbered: numbered, .becauseBoth(external, derived))]
                    } else if isCollapsible(derived) {
                        let (priorFirst, priorSecond) = causes(derived)
                        let (priorDerived, priorExternal) = isDerived(priorFirst) ? (priorFirst, priorSecond) : (priorSecond, priorFirst)
                        plan = [.visit(priorDerived, conclusion: false),
                                .write(index, numbered: numbered, .conjunctionAnd(conjunction, priorExternal, external))]
                    } else {
                        plan = [.visit(derived, conclusion: false),
                                .write(index, numbered: numbered, .conjunction(conjunction, external))]
                    }
                } else {
                    plan = [.write(index, numbered: numbered, .becauseBoth(first, second))]
                }
                steps.append(contentsOf: plan.reversed())
            }
        }
        return format(lines, lastNumber: lineNumbers.count)
    }

    /// Whether both causes of `index` are external (it can be told in one line).
    private func isSingleLine(_ index: Int) -> Bool {
        let (first, second) = causes(index)
        return !isDerived(first) && !isDerived(second)
    }

    /// Numbered lines start with `(n) `; the others are indented to match; blank lines separate
    /// branches (never two in a row).
    private func format(_ lines: [(message: String, number: Int?)], lastNumber: Int) -> String {
        let padding = lastNumber == 0 ? 0 : "(\(lastNumber)) ".count
        var output: [String] = []
        for line in lines {
            if line.message.isEmpty {
                if output.last?.isEmpty == false { output.append("") }
                continue
            }
            if let number = line.number {
                let label = "(\(number))"
                output.append(label + String(repeating: " ", count: max(1, padding - label.count)) + line.message)
            } else {
                output.append(String(repeating: " ", count: padding) + line.message)
            }
        }
        return output.joined(separator: "\n")
    }
}
