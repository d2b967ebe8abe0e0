import CHyperMeshABI
import Foundation
import HyperMeshManifest
import HyperMeshSecurity

/// The body of the `http_request` host function: one HTTP request for an extension, under every
/// rule that applies to it, in this order, for the request and for each redirect it follows:
///
/// 1. the host and port are on the manifest's `networkHosts` (else `network_host_denied`);
/// 2. the host is resolved once and every address is outside the policy's
///    `network.deniedAddresses` (else `network_address_denied`); the client connects to the first
///    address and to no other;
/// 3. bytes sent and received are taken from the `networkBytes` quota as they flow, paced to
///    `networkBytesPerSecond`, the body capped at the host's `maximumResponseBytes`;
/// 4. the whole request, redirects included, ends by the call's deadline (10 × the per-call CPU
///    quota, at least 1 s: the deadline an isolated or wasm call has).
///
/// Redirects are not followed unless the request says `"followRedirects": true`; then at most
/// the host's `maximumRedirects`, each one checked as in 1 and 2.
///
/// The answer: `{"status": 200, "headers": {"content-type": "…"}, "body": "…"}`, with `bodyBase64`
/// instead of `body` when the body is not UTF-8. Failures carry a stable code in brackets at the
/// start of their message, e.g. `[http.tls_certificate_expired]`.
enum HTTPRequestFunction {
    static let redirectStatuses: Set<Int> = [301, 302, 303, 307, 308]

    static func perform(_ host: HostContext, _ requestBytes: [UInt8]) throws -> [UInt8] {
        var request = try OutboundHTTPRequest.decode(requestBytes)
        let deadline = ContinuousClock.now + IsolatedInstance.callDeadline(for: host.security.quotas)
        var redirects = 0
        while true {
            try checkAllowlist(request, host.security)
            let address = try checkedAddress(request, host)
            let response: OutboundHTTPClient.Response
            do throws(OutboundHTTPFailure) {
                response = try host.outboundHTTP.exchange(request, address: address, traffic: host.traffic, deadline: deadline)
            } catch {
                throw failure(error, request: request, security: host.security)
            }
            if request.followRedirects, redirectStatuses.contains(response.status),
               let location = response.headers.first(where: { $0.name.lowercased() == "location" })?.value {
                redirects += 1
                guard redirects <= host.outboundHTTP.settings.maximumRedirects else {
                    throw HostCallFailure.unavailable("[http.too_many_redirects] \(request.url) redirected more than \(host.outboundHTTP.settings.maximumRedirects) times")
                }
                request = try request.redirected(status: response.status, location: location)
                continue
            }
            return answer(response)
        }
    }

    static func checkAllowlist(_ request: OutboundHTTPRequest, _ security: SecurityContext) throws(HostCallFailure) {
        guard !NetworkHostRules.allows(security.networkHosts, host: request.hostForURL, port: request.port) else { return }
        throw security.violation(.networkHostDenied, status: HYPERMESH_ERR_PERMISSION_DENIED,
                                 "\(security.extensionID) may not reach \(request.authority); the manifest's networkHosts allow "
                                    + (security.networkHosts.isEmpty ? "no host" : security.networkHosts.joined(separator: ", ")),
                                 details: ["host": request.authority])
    }

    /// The address to connect to: the first the host resolves to, once every address it resolves
    /// to is outside the denied ranges (a name with one denied address is refused, since a
    /// resolver may answer in another order next time).
    static func checkedAddress(_ request: OutboundHTTPRequest, _ host: HostContext) throws(HostCallFailure) -> [UInt8] {
        let addresses = try HostAddressResolver.resolve(request.host, port: request.port)
        for address in addresses {
            guard let range = host.networkSettings.denyingRange(for: address) else { continue }
            let text = NetworkAddressRange.text(of: address)
            let security = host.security
            throw security.violation(.networkAddressDenied, status: HYPERMESH_ERR_PERMISSION_DENIED,
                                     "\(security.extensionID) may not reach \(request.authority): it resolves to \(text), in the range \(range) the policy's network.deniedAddresses deny",
                                     details: ["host": request.authority, "address": text, "range": range.description])
        }
        return addresses[0]
    }

    static func failure(_ failure: OutboundHTTPFailure, request: OutboundHTTPRequest, security: SecurityContext) -> HostCallFailure {
        let code = "[\(failure.code)]"
        switch failure {
        case .quotaExceeded(let used):
            return security.violation(.networkQuota, status: HYPERMESH_ERR_QUOTA_EXCEEDED,
                                      "\(code) the request to \(request.authority) would pass the network quota of \(security.quotas.networkBytes ?? 0) bytes (\(security.networkBytesUsed) used); it was cut off after \(used) bytes",
                                      details: ["quota_bytes": "\(security.quotas.networkBytes ?? 0)", "cut_after_bytes": "\(used)"])
        case .responseTooLarge(let limit):
            return HostCallFailure(HYPERMESH_ERR_QUOTA_EXCEEDED, "\(code) the response of \(request.url) passed the host's limit of \(limit) bytes; it was cut off")
        case .deadlineExceeded(let milliseconds):
            return HostCallFailure(HYPERMESH_ERR_UNAVAILABLE, "\(code) \(request.url) did not answer completely within the call's deadline (\(milliseconds) ms left when it started)")
        case .certificateRefused(let check, let detail):
            return HostCallFailure(HYPERMESH_ERR_UNAVAILABLE, "\(code) refused \(request.url): \(detail) (check: \(check.rawValue))")
        case .connection(let message):
            return HostCallFailure(HYPERMESH_ERR_UNAVAILABLE, "\(code) \(message)")
        }
    }

    static func answer(_ response: OutboundHTTPClient.Response) -> [UInt8] {
        var object: [String: Any] = [
            "status": response.status,
            "headers": Dictionary(response.headers.map { ($0.name.lowercased(), $0.value) }, uniquingKeysWith: { "\($0), \($1)" }),
        ]
        if let text = String(validating: response.body, as: UTF8.self) {
            object["body"] = text
        } else {
            object["bodyBase64"] = Data(response.body).base64EncodedString()
        }
        return HostArguments.json(object)
    }
}
