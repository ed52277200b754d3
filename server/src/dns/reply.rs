//! Sending the answers to one request: the response code, the EDNS the client may receive,
//! and the TSIG signature when the request was signed.

use hickory_proto::op::{Edns, Metadata, ResponseCode};
use hickory_proto::rr::Record;
use hickory_proto::serialize::binary::BinEncoder;
use hickory_server::net::NetError;
use hickory_server::net::xfer::Protocol;
use hickory_server::server::{Request, ResponseHandler, ResponseInfo};
use hickory_server::zone_handler::MessageResponseBuilder;

use super::tsig::Signer;

/// Seconds since the Unix epoch, as TSIG signs them.
pub(super) fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

pub(super) struct Reply<'r, R> {
    pub(super) request: &'r Request,
    pub(super) response: R,
    pub(super) edns: Option<Edns>,
    pub(super) signer: Option<Signer>,
    /// Largest message the client takes.
    pub(super) limit: u16,
    pub(super) base: Metadata,
}

impl<R: ResponseHandler> Reply<'_, R> {
    pub(super) fn metadata(&self, code: ResponseCode) -> Metadata {
        let mut m = self.base;
        m.response_code = code;
        m
    }

    pub(super) fn protocol(&self) -> Protocol {
        self.request.protocol()
    }

    pub(super) async fn send(&mut self, metadata: Metadata, answers: &[Record], authority: &[Record], additional: &[Record]) -> Result<ResponseInfo, NetError> {
        let Self { request, response, edns, signer, limit, .. } = self;
        let build = || {
            let mut builder = MessageResponseBuilder::from_message_request(request);
            if let Some(edns) = edns.as_ref() {
                builder.edns(edns);
            }
            builder.build(metadata, answers.iter(), authority.iter(), std::iter::empty(), additional.iter())
        };
        let mut message = build();
        if let Some(signer) = signer {
            let mut bytes = Vec::with_capacity(512);
            let mut encoder = BinEncoder::new(&mut bytes);
            encoder.set_max_size(*limit);
            match build().destructive_emit(&mut encoder) {
                Ok(_) => message.set_signature(Box::new(signer.sign(&bytes, now()))),
                Err(error) => tracing::warn!(%error, "could not sign an answer"),
            }
        }
        response.send_response(message).await
    }

    pub(super) async fn code(&mut self, code: ResponseCode) -> Result<ResponseInfo, NetError> {
        let metadata = self.metadata(code);
        self.send(metadata, &[], &[], &[]).await
    }
}
