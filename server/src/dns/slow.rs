//! The full path: a request the fast path leaves alone is decoded whole by hickory and
//! answered by [`Handler`](super::full::Handler) — signed requests, transfers, updates,
//! NOTIFY, ANY, EDNS options, malformed messages. What it writes is handed back as bytes
//! for the listener to send.

use std::net::SocketAddr;

use hickory_proto::op::{Header, HeaderCounts, Metadata, MessageType, ResponseCode};
use hickory_proto::rr::Record;
use hickory_proto::serialize::binary::{BinDecodable as _, BinEncodable as _, BinEncoder};
use hickory_server::net::NetError;
use hickory_server::net::runtime::TokioTime;
use hickory_server::net::xfer::Protocol;
use hickory_server::server::{Request, RequestHandler as _, ResponseHandler, ResponseInfo};
use hickory_server::zone_handler::MessageResponse;
use tokio::sync::mpsc;

use super::full::{Handler, size_limit};

/// A response handler that encodes each message (within the client's size) and passes it on.
#[derive(Clone)]
pub struct Captured {
    max: u16,
    out: mpsc::Sender<Vec<u8>>,
}

#[async_trait::async_trait]
impl ResponseHandler for Captured {
    async fn send_response<'a>(
        &mut self,
        response: MessageResponse<
            '_,
            'a,
            impl Iterator<Item = &'a Record> + Send + 'a,
            impl Iterator<Item = &'a Record> + Send + 'a,
            impl Iterator<Item = &'a Record> + Send + 'a,
            impl Iterator<Item = &'a Record> + Send + 'a,
        >,
    ) -> Result<ResponseInfo, NetError> {
        let mut bytes = Vec::with_capacity(512);
        let mut encoder = BinEncoder::new(&mut bytes);
        encoder.set_max_size(self.max);
        let id = response.metadata().id;
        let info = match response.destructive_emit(&mut encoder) {
            Ok(info) => info,
            Err(error) => {
                tracing::warn!(%error, "could not encode a DNS response");
                bytes.clear();
                let header = server_failure(id);
                header.to_bytes().map(|b| bytes.extend(b)).map_err(NetError::from)?;
                ResponseInfo::from(header)
            }
        };
        self.out.send(bytes).await.map_err(|_| NetError::Message("the connection is gone"))?;
        Ok(info)
    }
}

fn server_failure(id: u16) -> Header {
    let mut metadata = Metadata::new(id, MessageType::Response, hickory_proto::op::OpCode::Query);
    metadata.response_code = ResponseCode::ServFail;
    Header { metadata, counts: HeaderCounts::default() }
}

/// Answers `raw` from `src` the full way; every message of the answer (a zone transfer has
/// several) goes to `out`. Messages too short for a header, and responses, get nothing;
/// a malformed request gets FORMERR.
pub async fn answer(handler: &Handler, raw: Vec<u8>, src: SocketAddr, protocol: Protocol, out: mpsc::Sender<Vec<u8>>) {
    #[cfg(feature = "fault-injection")]
    super::fault::check(&raw, super::fault::FULL);
    let header = match Header::from_bytes(raw.get(..12).unwrap_or(&[])) {
        Ok(header) if header.metadata.message_type == MessageType::Query => header,
        _ => return,
    };
    // hickory echoes the question section byte for byte: a compression pointer into the
    // request's header, or forward past the question, would point at other bytes in the
    // response (its header, its answers), which are no name.
    // RFC 9619: a query, NOTIFY or UPDATE carries at most one question (zone); more is
    // malformed, and echoing several questions back is how a response grows undecodable.
    let decoded = if header.counts.queries > 1 {
        Err(format!("{} questions in one message", header.counts.queries))
    } else if question_points_outside_itself(&raw) {
        Err("a question name points outside the questions before it".to_string())
    } else {
        Request::from_bytes(raw, src, protocol).map_err(|e| e.to_string())
    };
    match decoded {
        Ok(request) => {
            let response = Captured { max: size_limit(&request), out };
            handler.handle_request::<_, TokioTime>(&request, response).await;
        }
        Err(error) => {
            tracing::debug!(%src, %error, "malformed DNS request");
            let mut metadata = Metadata::response_from_request(&header.metadata);
            metadata.response_code = ResponseCode::FormErr;
            if let Ok(bytes) = (Header { metadata, counts: HeaderCounts::default() }).to_bytes() {
                let _ = out.send(bytes).await;
            }
        }
    }
}

/// Whether a name in the question section of `message` is compressed with a pointer that
/// does not point back into the questions before it: into the 12-byte header, or forward
/// (RFC 1035 pointers name an earlier occurrence). Whatever cannot be read is left to the
/// decoder to refuse.
fn question_points_outside_itself(message: &[u8]) -> bool {
    let Some(count) = message.get(4..6).map(|c| u16::from_be_bytes([c[0], c[1]])) else { return false };
    let mut at = 12;
    for _ in 0..count {
        loop {
            let Some(&len) = message.get(at) else { return false };
            match len & 0xc0 {
                0x00 if len == 0 => {
                    at += 1;
                    break;
                }
                0x00 => at += 1 + usize::from(len),
                0xc0 => {
                    let Some(&low) = message.get(at + 1) else { return false };
                    let target = usize::from(len & 0x3f) << 8 | usize::from(low);
                    if target < 12 || target >= at {
                        return true;
                    }
                    at += 2;
                    break;
                }
                _ => return false,
            }
        }
        at += 4;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::question_points_outside_itself;

    #[test]
    fn a_question_compressed_into_the_header_is_found() {
        let header = [0x30, 0x04, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0];
        let mut plain = header.to_vec();
        plain.extend_from_slice(b"\x03www\x04test\x00\x00\x01\x00\x01");
        assert!(!question_points_outside_itself(&plain));
        // The second question names the first one's: a pointer the answer keeps right.
        let mut second = plain.clone();
        second.extend_from_slice(&[0xc0, 12, 0, 28, 0, 1]);
        assert!(!question_points_outside_itself(&second));
        let mut into_header = plain.clone();
        into_header.extend_from_slice(&[0xc0, 2, 0, 1, 0, 1]);
        assert!(question_points_outside_itself(&into_header));
        // Forward, past the questions: in the answer those bytes are the answer records.
        let mut forward = plain;
        forward.extend_from_slice(&[0xc0, 40, 0, 1, 0, 1]);
        assert!(question_points_outside_itself(&forward));
        assert!(!question_points_outside_itself(&header[..5]));
    }
}
