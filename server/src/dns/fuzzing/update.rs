//! RFC 2136 UPDATE messages as a client sends them: the first byte says whether the rest is
//! sent as it is, signed with the key the appliance knows, or signed with a wrong secret.
//! Only a message signed with the right key may change the zone.

use std::net::SocketAddr;

use hickory_server::net::xfer::Protocol;

use super::appliance::{Appliance, check_answers};
use super::super::tsig::Key;

pub struct Updates {
    appliance: Appliance,
}

impl Updates {
    pub fn new() -> crate::error::Result<Self> {
        Ok(Self { appliance: Appliance::new()? })
    }

    pub fn run(&mut self, input: &[u8]) {
        let [how, message @ ..] = input else { return };
        let wrong = Key { secret: b"not the secret".to_vec(), ..self.appliance.key.clone() };
        let (packet, trusted) = match how % 3 {
            0 => (message.to_vec(), false),
            1 => match Appliance::sign(message, &self.appliance.key) {
                Some(signed) => (signed, true),
                None => return,
            },
            _ => match Appliance::sign(message, &wrong) {
                Some(signed) => (signed, false),
                None => return,
            },
        };
        let serial = self.appliance.serial();
        let protocol = if how & 0x80 == 0 { Protocol::Udp } else { Protocol::Tcp };
        let answers = self.appliance.answers(&packet, SocketAddr::from(([192, 0, 2, 9], 5353)), protocol);
        check_answers(&packet, &answers);
        let changed = self.appliance.serial() != serial;
        assert!(trusted || !changed, "a message without the right signature changed the zone");
        if changed {
            // Each input starts from the same zone, so that what it finds can be replayed.
            if let Ok(fresh) = Appliance::new() {
                self.appliance = fresh;
            }
        }
    }
}
