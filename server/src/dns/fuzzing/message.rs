//! Any bytes as a DNS message over UDP and over TCP, from a client outside and one inside
//! the LAN: the fast path answers what it knows, the full path the rest; every answer must
//! decode and carry the request's ID.

use std::net::SocketAddr;

use hickory_server::net::xfer::Protocol;

use super::appliance::{Appliance, check_answers};

pub struct Messages {
    appliance: Appliance,
}

impl Messages {
    pub fn new() -> crate::error::Result<Self> {
        Ok(Self { appliance: Appliance::new()? })
    }

    pub fn run(&self, packet: &[u8]) {
        let serial = self.appliance.serial();
        for client in [SocketAddr::from(([198, 51, 100, 7], 5353)), SocketAddr::from(([10, 1, 2, 3], 5353))] {
            for protocol in [Protocol::Udp, Protocol::Tcp] {
                let answers = self.appliance.answers(packet, client, protocol);
                check_answers(packet, &answers);
                if protocol == Protocol::Udp {
                    assert!(answers.len() <= 1, "one datagram answers one datagram");
                    assert!(answers.iter().all(|a| a.len() <= usize::from(super::super::fast::EDNS_PAYLOAD).max(512)), "a UDP answer beyond our EDNS size");
                }
            }
        }
        assert_eq!(self.appliance.serial(), serial, "an unsigned message changed the zone");
    }
}
