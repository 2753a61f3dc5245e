use super::*;
use clap::Parser;

fn args(list: &[&str]) -> ConfigArgs {
    let mut argv = vec!["chatd"];
    argv.extend_from_slice(list);
    crate::cli::Cli::try_parse_from(argv).unwrap().config
}

#[test]
fn defaults_serve_on_localhost_7878_with_embedded_database() {
    let config = Config::load(&args(&[])).unwrap();
    assert_eq!(config.listen.to_string(), "127.0.0.1:7878");
    assert!(config.database.url.is_none());
    assert!(config.redis.url.is_none());
}

#[test]
fn flags_override_file_and_file_overrides_defaults() {
    let dir = std::env::temp_dir().join(format!("chatd-config-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("chatd.toml");
    std::fs::write(
        &file,
        "listen = \"127.0.0.1:9000\"\n[auth]\npassword_min_length = 12\nregistration = \"invite\"\n",
    )
    .unwrap();
    let path = file.to_str().unwrap();
    let config = Config::load(&args(&["--config", path])).unwrap();
    assert_eq!(config.listen.port(), 9000);
    assert_eq!(config.auth.password_min_length, 12);
    assert_eq!(config.auth.registration, RegistrationMode::Invite);

    let config = Config::load(&args(&["--config", path, "--listen", "127.0.0.1:9001"])).unwrap();
    assert_eq!(config.listen.port(), 9001);
    assert_eq!(config.auth.password_min_length, 12);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn invalid_values_name_their_key() {
    let err = Config::load(&args(&["--listen", "nowhere"]))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("`listen`") && err.contains("CHATD_LISTEN"),
        "{err}"
    );

    let err = Config::load(&args(&["--database-url", "mysql://x"]))
        .unwrap_err()
        .to_string();
    assert!(err.contains("database.url"), "{err}");

    let err = Config::load(&args(&["--registration", "sometimes"]))
        .unwrap_err()
        .to_string();
    assert!(err.contains("auth.registration"), "{err}");

    let err = Config::load(&args(&["--jwt-secret", "short"]))
        .unwrap_err()
        .to_string();
    assert!(err.contains("auth.jwt_secret"), "{err}");
}

#[test]
fn unknown_file_keys_are_refused_with_their_name() {
    let err = toml::from_str::<Config>("listn = \"127.0.0.1:1\"")
        .unwrap_err()
        .to_string();
    assert!(err.contains("listn"), "{err}");
}

#[test]
fn print_config_redacts_secrets() {
    let config = Config::load(&args(&[
        "--database-url",
        "postgres://chatd:s3cret-pw@db/chat",
        "--jwt-secret",
        "0123456789abcdef0123456789abcdef-very-secret",
    ]))
    .unwrap();
    let text = config.to_redacted_toml();
    assert!(!text.contains("s3cret-pw"), "{text}");
    assert!(!text.contains("very-secret"), "{text}");
    assert!(
        text.contains("postgres://chatd:<redacted>@db/chat"),
        "{text}"
    );
}

#[test]
fn tls_urls_are_accepted() {
    let config = Config::load(&args(&[
        "--database-url",
        "postgres://chatd:pw@db.example/chat?sslmode=verify-full",
        "--redis-url",
        "rediss://cache.example:6380",
    ]))
    .unwrap();
    assert!(config.redis.url.is_some());
}

#[test]
fn the_example_configuration_parses_and_validates() {
    let text = include_str!("../../../deploy/chatd.toml");
    let config: Config = toml::from_str(text).unwrap();
    config.validate().unwrap();
}

#[test]
fn image_work_limits_are_validated() {
    let mut config = Config::default();
    config.attachments.max_decode_cpu_ms = 0;
    assert!(
        config
            .validate()
            .unwrap_err()
            .to_string()
            .contains("attachments.max_decode_cpu_ms")
    );
    let mut config = Config::default();
    config.attachments.max_animation_pixels = 0;
    assert!(
        config
            .validate()
            .unwrap_err()
            .to_string()
            .contains("attachments.max_animation_pixels")
    );
}
