//! Plans: what an account may have. Over a limit is a `PlanLimit` error naming the lowest
//! plan that would allow it.

use crate::Context;
use crate::config::Plan;
use crate::error::{Error, Result};
use crate::records::RecordKind;
use crate::model::Account;

/// The limits of `user`'s plan; `None` for administrators (no limits).
pub fn plan_of<'a>(ctx: &'a Context, user: &Account) -> Option<&'a Plan> {
    if user.is_admin {
        return None;
    }
    ctx.config.plans.get(&user.plan).or_else(|| ctx.config.plans.get("free"))
}

/// The title of the smallest plan for which `allows` holds.
fn upgrade_to(ctx: &Context, allows: impl Fn(&Plan) -> bool) -> String {
    ctx.config
        .plans
        .values()
        .filter(|p| allows(p))
        .min_by_key(|p| (p.hostnames, p.custom_domains, p.record_types.len()))
        .map_or_else(|| "an administrator".to_string(), |p| format!("a {} plan or higher", p.title))
}

/// May `user` have one more hostname, having `current`?
pub fn check_hostnames(ctx: &Context, user: &Account, current: usize) -> Result<()> {
    check_count(ctx, user, current, "hostnames", |p| p.hostnames)
}

/// May `user` add one more custom domain, having `current`?
pub fn check_custom_domains(ctx: &Context, user: &Account, current: usize) -> Result<()> {
    check_count(ctx, user, current, "custom domains", |p| p.custom_domains)
}

fn check_count(ctx: &Context, user: &Account, current: usize, what: &str, limit: impl Fn(&Plan) -> u32) -> Result<()> {
    match plan_of(ctx, user) {
        Some(plan) if current >= limit(plan) as usize => Err(Error::PlanLimit(format!(
            "Your plan allows {} {what}; more require {}",
            limit(plan),
            upgrade_to(ctx, |p| limit(p) as usize > current)
        ))),
        _ => Ok(()),
    }
}

/// May `user` create records of `kind`?
pub fn check_record_type(ctx: &Context, user: &Account, kind: RecordKind) -> Result<()> {
    let allowed = |p: &Plan| p.record_types.iter().any(|t| t.eq_ignore_ascii_case(kind.as_str()));
    match plan_of(ctx, user) {
        Some(plan) if !allowed(plan) => {
            Err(Error::PlanLimit(format!("{kind} records require {}", upgrade_to(ctx, allowed))))
        }
        _ => Ok(()),
    }
}

/// The plan accounts made by partners get: `partner_plan` from the configuration, or the
/// plan allowing the most record types (a partner manages every type its API carries).
pub fn partner_plan(ctx: &Context) -> String {
    if ctx.config.plans.contains_key(&ctx.config.partner_plan) {
        return ctx.config.partner_plan.clone();
    }
    ctx.config.plans.iter().max_by_key(|(_, p)| p.record_types.len()).map_or_else(|| "free".to_string(), |(name, _)| name.clone())
}
