//! porchlight's admin UI: a Leptos client-side app that talks only to the appliance's
//! native JSON API.

mod address;
mod api;
mod app;
mod pages;
mod snippets;

fn main() {
    leptos::mount::mount_to_body(app::App);
}
