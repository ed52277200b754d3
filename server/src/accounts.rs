//! Accounts: who may own hostnames and tokens.

use crate::error::{Error, Result};
use crate::store::{self, Store};

/// Creates an account; the password is stored as an argon2id hash.
pub fn create(store: &Store, email: &str, password: &str, is_admin: bool) -> Result<String> {
    let email = normalise_email(email)?;
    let hash = crate::password::hash(password)?;
    store.write(|tx| {
        if store::users::find_by_email(tx, &email)?.is_some() {
            return Err(Error::Conflict(format!("an account for {email} already exists")));
        }
        let id = store::users::insert(tx, &email, &hash, is_admin)?;
        let kind = if is_admin { "admin created" } else { "user created" };
        store::history::event(tx, Some(&id), kind, &email, "", "cli")?;
        Ok(id)
    })
}

fn normalise_email(email: &str) -> Result<String> {
    let email = email.trim();
    let valid = email.len() <= 254
        && !email.contains(char::is_whitespace)
        && email.split_once('@').is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'));
    if valid { Ok(email.to_string()) } else { Err(Error::Invalid(format!("'{email}' is not an e-mail address"))) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creates_once_and_rejects_bad_input() -> Result<()> {
        let store = Store::open_in_memory()?;
        create(&store, "Admin@example.com", "long enough secret", true)?;
        assert!(matches!(create(&store, "admin@EXAMPLE.com", "long enough secret", false), Err(Error::Conflict(_))));
        assert!(matches!(create(&store, "not-an-email", "long enough secret", false), Err(Error::Invalid(_))));
        assert_eq!(store.read(store::users::count_admins)?, 1);
        Ok(())
    }
}
