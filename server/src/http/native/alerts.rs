//! Alert channels and settings.

use porchlight_api as api;
use rouille::Response;

use super::reply;
use crate::Context;
use crate::alerts;
use crate::clock::rfc3339;
use crate::error::Result;
use crate::http::call::Call;
use crate::model::{AlertSettings, Channel, ChannelId};

pub fn list(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    let channels = alerts::channels(ctx, call.caller()?)?;
    Ok(reply(200, &api::ChannelList { channels: channels.iter().map(channel).collect() }))
}

pub fn create(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    let input: api::NewChannel = call.json()?;
    let new = alerts::NewChannel {
        kind: &input.kind,
        url: input.url.as_deref(),
        to: input.to.as_deref(),
        token: input.token.as_deref(),
        secret_header: input.secret_header.as_deref(),
        secret: input.secret.as_deref(),
    };
    let created = alerts::add_channel(ctx, call.caller()?, &new)?;
    Ok(reply(201, &api::ChannelEnvelope { channel: channel(&created) }))
}

pub fn delete(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    alerts::delete_channel(ctx, call.caller()?, &call.id::<ChannelId>("id"))?;
    Ok(Response::empty_204())
}

pub fn test(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    let outcome = alerts::test_channel(ctx, call.caller()?, &call.id::<ChannelId>("id"))?;
    Ok(reply(200, &api::ChannelTest { delivered: outcome.is_ok(), error: outcome.err() }))
}

pub fn settings(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    Ok(reply(200, &wire(&alerts::settings(ctx, call.caller()?)?)))
}

pub fn change_settings(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    let patch: api::AlertSettingsPatch = call.json()?;
    let caller = call.caller()?;
    let now = alerts::settings(ctx, caller)?;
    let wanted = AlertSettings {
        stale_after_hours: patch.stale_after_hours.unwrap_or(now.stale_after_hours),
        failures_in_a_row: patch.failures_in_a_row.unwrap_or(now.failures_in_a_row),
        address_changes: patch.address_changes.unwrap_or(now.address_changes),
    };
    Ok(reply(200, &wire(&alerts::set_settings(ctx, caller, &wanted)?)))
}

fn wire(s: &AlertSettings) -> api::AlertSettings {
    api::AlertSettings { stale_after_hours: s.stale_after_hours, failures_in_a_row: s.failures_in_a_row, address_changes: s.address_changes }
}

fn channel(c: &Channel) -> api::Channel {
    api::Channel {
        id: c.id.to_string(),
        kind: c.kind.as_str().to_string(),
        target: c.target.clone(),
        has_secret: c.secret.is_some(),
        secret_header: c.secret_header.clone(),
        created_at: rfc3339(c.created_at),
        last_sent_at: c.last_sent_at.map(rfc3339),
        last_error: c.last_error.clone(),
    }
}
