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

#[cfg(test)]
mod tests {
    use super::*;

    /// An UPDATE of the zone adding `new.dyn.example.test A 192.0.2.7`.
    fn add_a() -> Vec<u8> {
        let name = |n: &str| n.split('.').flat_map(|l| std::iter::once(l.len() as u8).chain(l.bytes())).chain([0]).collect::<Vec<u8>>();
        let mut m = vec![0x20, 0x01, 0x28, 0x00, 0, 1, 0, 0, 0, 1, 0, 0];
        m.extend(name(super::super::appliance::ZONE));
        m.extend([0, 6, 0, 1]);
        m.extend(name(&format!("new.{}", super::super::appliance::ZONE)));
        m.extend([0, 1, 0, 1, 0, 0, 1, 44, 0, 4, 192, 0, 2, 7]);
        m
    }

    #[test]
    fn only_the_right_signature_changes_the_zone() -> crate::error::Result<()> {
        let appliance = Appliance::new()?;
        let client = SocketAddr::from(([192, 0, 2, 9], 5353));
        let rcode = |answers: &[Vec<u8>]| answers.first().map(|a| a[3] & 0x0f);
        let before = appliance.serial();
        let wrong = Key { secret: b"not the secret".to_vec(), ..appliance.key.clone() };
        let refused = appliance.answers(&Appliance::sign(&add_a(), &wrong).unwrap_or_default(), client, Protocol::Udp);
        assert_eq!(rcode(&refused), Some(9), "NOTAUTH");
        assert_eq!(appliance.serial(), before);
        assert_eq!(rcode(&appliance.answers(&add_a(), client, Protocol::Udp)), Some(5), "REFUSED unsigned");
        assert_eq!(appliance.serial(), before);
        let signed = Appliance::sign(&add_a(), &appliance.key).unwrap_or_default();
        let accepted = appliance.answers(&signed, client, Protocol::Tcp);
        check_answers(&signed, &accepted);
        assert_eq!(rcode(&accepted), Some(0), "NOERROR");
        assert_ne!(appliance.serial(), before);
        Ok(())
    }
}
