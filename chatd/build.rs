// `sqlx::migrate!` embeds the migrations at compile time; without this, adding a migration
// file would not rebuild chatd and the new file would silently be missing.
fn main() {
    println!("cargo:rerun-if-changed=../migrations");
}
