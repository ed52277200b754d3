//! The request side of zone transfers: the first byte picks the client (allowed by its
//! address or not), the transport, and whether the message is signed with the key the
//! transfer policy names; the rest is the request (AXFR or IXFR with the client's SOA in
//! the authority section, or anything else). Every message of the answer must decode and
//! carry the request's ID; a client the policy does not allow gets no records.

use std::net::SocketAddr;

use hickory_proto::op::{Message, ResponseCode};
use hickory_server::net::xfer::Protocol;

use super::appliance::{Appliance, check_answers};

pub struct Transfers {
    appliance: Appliance,
}

impl Transfers {
    pub fn new() -> crate::error::Result<Self> {
        Ok(Self { appliance: Appliance::new()? })
    }

    pub fn run(&self, input: &[u8]) {
        let [how, message @ ..] = input else { return };
        let (client, allowed_by_address) =
            if how & 1 == 0 { (SocketAddr::from(([127, 0, 0, 1], 5353)), true) } else { (SocketAddr::from(([203, 0, 113, 8], 5353)), false) };
        let protocol = if how & 2 == 0 { Protocol::Tcp } else { Protocol::Udp };
        let signed = how & 4 != 0;
        let packet = if signed {
            match Appliance::sign(message, &self.appliance.key) {
                Some(packet) => packet,
                None => return,
            }
        } else {
            message.to_vec()
        };
        let serial = self.appliance.serial();
        let answers = self.appliance.answers(&packet, client, protocol);
        check_answers(&packet, &answers);
        if !allowed_by_address && !signed {
            for answer in &answers {
                let Ok(message) = Message::from_vec(answer) else { continue };
                let is_transfer = message.queries.first().is_some_and(|q| matches!(u16::from(q.query_type()), 251 | 252));
                assert!(
                    !is_transfer || message.metadata.response_code != ResponseCode::NoError || message.answers.is_empty(),
                    "a client the policy does not allow got the zone"
                );
            }
        }
        assert_eq!(self.appliance.serial(), serial, "a transfer request changed the zone");
    }
}
