// `sqlx::migrate!` embeds the migrations at compile time; without this, cargo does not notice
// a migration file added after the last build, and the binary silently ships without it.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
