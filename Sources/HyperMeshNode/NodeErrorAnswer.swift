import HyperMeshCLI
import HyperMeshErrors
package import OpenAPIRuntime

/// An operation's answer built from an error: the document's error envelope (`Error`), under the
/// operation's typed response for the status of the error's category
/// (``HyperMeshErrorCategory/httpStatus``), or its `default` response for a status the operation
/// does not list by itself (every operation of docs/node-api.yaml has one).
protocol NodeErrorAnswer {
    /// The answer with `envelope` and HTTP status `status`.
    init(status: Int, envelope: Components.Schemas._Error)
}

extension NodeErrorAnswer {
    init(error: any Error) {
        let record = ErrorRecord(error)
        let envelope: Components.Schemas._Error
        do {
            envelope = try NodeDocument.convert(["error": record])
        } catch {
            // A category this document does not list: an internal error, as docs/errors.md says.
            let mismatch = ErrorRecord(NodeError(.documentMismatch, "an error record does not fit the API document", cause: record.text))
            let converted: Components.Schemas._Error? = try? NodeDocument.convert(["error": mismatch])
            envelope = converted ?? Components.Schemas._Error(error: Components.Schemas.ErrorDetail(
                code: mismatch.code, category: ._internal, message: mismatch.message, causes: []))
            self.init(status: 500, envelope: envelope)
            return
        }
        self.init(status: record.resolvedCategory.httpStatus, envelope: envelope)
    }
}

extension Operations.Health.Output: NodeErrorAnswer {
    init(status: Int, envelope: Components.Schemas._Error) {
        switch status {
        case 401: self = .unauthorized(.init(body: .json(envelope)))
        default: self = .default(statusCode: status, .init(body: .json(envelope)))
        }
    }
}

extension Operations.ListExtensions.Output: NodeErrorAnswer {
    init(status: Int, envelope: Components.Schemas._Error) {
        switch status {
        case 401: self = .unauthorized(.init(body: .json(envelope)))
        default: self = .default(statusCode: status, .init(body: .json(envelope)))
        }
    }
}

extension Operations.InspectExtension.Output: NodeErrorAnswer {
    init(status: Int, envelope: Components.Schemas._Error) {
        switch status {
        case 400: self = .badRequest(.init(body: .json(envelope)))
        case 401: self = .unauthorized(.init(body: .json(envelope)))
        case 404: self = .notFound(.init(body: .json(envelope)))
        case 422: self = .unprocessableContent(.init(body: .json(envelope)))
        case 500: self = .internalServerError(.init(body: .json(envelope)))
        default: self = .default(statusCode: status, .init(body: .json(envelope)))
        }
    }
}

extension Operations.ActivateExtension.Output: NodeErrorAnswer {
    init(status: Int, envelope: Components.Schemas._Error) {
        switch status {
        case 400: self = .badRequest(.init(body: .json(envelope)))
        case 401: self = .unauthorized(.init(body: .json(envelope)))
        case 403: self = .forbidden(.init(body: .json(envelope)))
        case 404: self = .notFound(.init(body: .json(envelope)))
        case 409: self = .conflict(.init(body: .json(envelope)))
        case 422: self = .unprocessableContent(.init(body: .json(envelope)))
        case 500: self = .internalServerError(.init(body: .json(envelope)))
        default: self = .default(statusCode: status, .init(body: .json(envelope)))
        }
    }
}

extension Operations.DeactivateExtension.Output: NodeErrorAnswer {
    init(status: Int, envelope: Components.Schemas._Error) {
        switch status {
        case 400: self = .badRequest(.init(body: .json(envelope)))
        case 401: self = .unauthorized(.init(body: .json(envelope)))
        case 404: self = .notFound(.init(body: .json(envelope)))
        case 409: self = .conflict(.init(body: .json(envelope)))
        case 422: self = .unprocessableContent(.init(body: .json(envelope)))
        case 500: self = .internalServerError(.init(body: .json(envelope)))
        default: self = .default(statusCode: status, .init(body: .json(envelope)))
        }
    }
}

extension Operations.ReloadExtension.Output: NodeErrorAnswer {
    init(status: Int, envelope: Components.Schemas._Error) {
        switch status {
        case 400: self = .badRequest(.init(body: .json(envelope)))
        case 401: self = .unauthorized(.init(body: .json(envelope)))
        case 403: self = .forbidden(.init(body: .json(envelope)))
        case 404: self = .notFound(.init(body: .json(envelope)))
        case 409: self = .conflict(.init(body: .json(envelope)))
        case 422: self = .unprocessableContent(.init(body: .json(envelope)))
        case 500: self = .internalServerError(.init(body: .json(envelope)))
        default: self = .default(statusCode: status, .init(body: .json(envelope)))
        }
    }
}

extension Operations.ResumeExtension.Output: NodeErrorAnswer {
    init(status: Int, envelope: Components.Schemas._Error) {
        switch status {
        case 400: self = .badRequest(.init(body: .json(envelope)))
        case 401: self = .unauthorized(.init(body: .json(envelope)))
        case 404: self = .notFound(.init(body: .json(envelope)))
        case 409: self = .conflict(.init(body: .json(envelope)))
        case 422: self = .unprocessableContent(.init(body: .json(envelope)))
        case 500: self = .internalServerError(.init(body: .json(envelope)))
        default: self = .default(statusCode: status, .init(body: .json(envelope)))
        }
    }
}

extension Operations.DecideCapabilities.Output: NodeErrorAnswer {
    init(status: Int, envelope: Components.Schemas._Error) {
        switch status {
        case 400: self = .badRequest(.init(body: .json(envelope)))
        case 401: self = .unauthorized(.init(body: .json(envelope)))
        case 404: self = .notFound(.init(body: .json(envelope)))
        case 413: self = .contentTooLarge(.init(body: .json(envelope)))
        case 500: self = .internalServerError(.init(body: .json(envelope)))
        default: self = .default(statusCode: status, .init(body: .json(envelope)))
        }
    }
}

extension Operations.CallExtension.Output: NodeErrorAnswer {
    init(status: Int, envelope: Components.Schemas._Error) {
        switch status {
        case 400: self = .badRequest(.init(body: .json(envelope)))
        case 401: self = .unauthorized(.init(body: .json(envelope)))
        case 403: self = .forbidden(.init(body: .json(envelope)))
        case 404: self = .notFound(.init(body: .json(envelope)))
        case 409: self = .conflict(.init(body: .json(envelope)))
        case 413: self = .contentTooLarge(.init(body: .json(envelope)))
        case 422: self = .unprocessableContent(.init(body: .json(envelope)))
        case 429: self = .tooManyRequests(.init(body: .json(envelope)))
        case 500: self = .internalServerError(.init(body: .json(envelope)))
        case 503: self = .serviceUnavailable(.init(body: .json(envelope)))
        default: self = .default(statusCode: status, .init(body: .json(envelope)))
        }
    }
}

extension Operations.ListAudit.Output: NodeErrorAnswer {
    init(status: Int, envelope: Components.Schemas._Error) {
        switch status {
        case 400: self = .badRequest(.init(body: .json(envelope)))
        case 401: self = .unauthorized(.init(body: .json(envelope)))
        case 500: self = .internalServerError(.init(body: .json(envelope)))
        default: self = .default(statusCode: status, .init(body: .json(envelope)))
        }
    }
}

extension Operations.VerifyAudit.Output: NodeErrorAnswer {
    init(status: Int, envelope: Components.Schemas._Error) {
        switch status {
        case 401: self = .unauthorized(.init(body: .json(envelope)))
        case 500: self = .internalServerError(.init(body: .json(envelope)))
        default: self = .default(statusCode: status, .init(body: .json(envelope)))
        }
    }
}
