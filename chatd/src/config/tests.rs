use super::*;
use clap::Parser;

fn args(list: &[&str]) -> crate::cli::ConfigArgs {
    let mut argv = vec!["chatd"];
    argv.extend_from_slice(list);
    crate::cli::Cli::try_parse_from(argv).unwrap().config
}

/// Loads with exactly these variables (the test process's own are left out).
fn load(flags: &[&str], env: &[(&str, &str)]) -> Result<Config, ConfigError> {
    Config::load_from(
        &args(flags),
        env.iter().map(|(k, v)| ((*k).into(), (*v).into())),
    )
}

#[test]
fn defaults_serve_on_localhost_7878_with_embedded_database() {
    let config = load(&[], &[]).unwrap();
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
    let config = load(&["--config", path], &[]).unwrap();
    assert_eq!(config.listen.port(), 9000);
    assert_eq!(config.auth.password_min_length, 12);
    assert_eq!(config.auth.registration, RegistrationMode::Invite);

    let config = load(&["--config", path, "--listen", "127.0.0.1:9001"], &[]).unwrap();
    assert_eq!(config.listen.port(), 9001);
    assert_eq!(config.auth.password_min_length, 12);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn invalid_values_name_their_key() {
    let err = load(&["--listen", "nowhere"], &[]).unwrap_err().to_string();
    assert!(
        err.contains("`listen`") && err.contains("--listen"),
        "{err}"
    );

    let err = load(&["--database-url", "mysql://x"], &[])
        .unwrap_err()
        .to_string();
    assert!(err.contains("database.url"), "{err}");

    let err = load(&["--registration", "sometimes"], &[])
        .unwrap_err()
        .to_string();
    assert!(err.contains("auth.registration"), "{err}");

    let err = load(&["--jwt-secret", "short"], &[])
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
    let config = load(
        &[
            "--database-url",
            "postgres://chatd:s3cret-pw@db/chat",
            "--jwt-secret",
            "0123456789abcdef0123456789abcdef-very-secret",
        ],
        &[],
    )
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
    let config = load(
        &[
            "--database-url",
            "postgres://chatd:pw@db.example/chat?sslmode=verify-full",
            "--redis-url",
            "rediss://cache.example:6380",
        ],
        &[],
    )
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

#[test]
fn each_layer_overrides_the_one_below_file_then_variable_then_flag() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("chatd.toml");
    std::fs::write(
        &file,
        "[ws]\nheartbeat_secs = 11\nqueue_capacity = 64\n[auth]\npassword_min_length = 12\n",
    )
    .unwrap();
    let path = file.to_str().unwrap();
    let config = load(&["--config", path], &[]).unwrap();
    assert_eq!(
        (config.ws.heartbeat_secs, config.ws.queue_capacity),
        (11, 64)
    );

    let env = [
        ("CHATD_WS_HEARTBEAT_SECS", "22"),
        ("CHATD_AUTH_PASSWORD_MIN_LENGTH", "14"),
        ("CHATD_PUSH_ALLOWED_HOSTS", "ntfy.lan, 10.0.0.5"),
        ("CHATD_HTTP_MAX_CONNECTIONS", "900"),
        ("CHATD_PUSH_ENABLED", "true"),
        // Not keys: left alone, not refused.
        ("CHATD_TEST_DIR", "/tmp/x"),
        ("CHATD_CONFIG", "/nonexistent.toml"),
    ];
    let config = load(&["--config", path], &env).unwrap();
    assert_eq!(config.ws.heartbeat_secs, 22);
    assert_eq!(
        config.ws.queue_capacity, 64,
        "a key the variables leave alone"
    );
    assert_eq!(config.auth.password_min_length, 14);
    assert_eq!(config.push.allowed_hosts, ["ntfy.lan", "10.0.0.5"]);
    assert_eq!(config.http.max_connections, Some(900));
    assert!(config.push.enabled);

    let config = load(
        &[
            "--config",
            path,
            "--set",
            "ws.heartbeat_secs=33",
            "--password-min-length",
            "16",
        ],
        &env,
    )
    .unwrap();
    assert_eq!(config.ws.heartbeat_secs, 33);
    assert_eq!(config.auth.password_min_length, 16);
}

#[test]
fn old_variable_names_still_work_and_the_generated_name_wins() {
    let config = load(
        &[],
        &[
            ("CHATD_PASSWORD_MIN_LENGTH", "10"),
            ("CHATD_ACCESS_TOKEN_TTL", "60"),
            ("CHATD_TRUST_FORWARDED_FOR", "true"),
        ],
    )
    .unwrap();
    assert_eq!(config.auth.password_min_length, 10);
    assert_eq!(config.auth.access_token_ttl_secs, 60);
    assert!(config.http.trust_forwarded_for);
    let config = load(
        &[],
        &[
            ("CHATD_AUTH_PASSWORD_MIN_LENGTH", "20"),
            ("CHATD_PASSWORD_MIN_LENGTH", "10"),
        ],
    )
    .unwrap();
    assert_eq!(config.auth.password_min_length, 20);
}

#[test]
fn a_bad_value_names_the_variable_or_flag_that_set_it() {
    let err = load(&[], &[("CHATD_WS_HEARTBEAT_SECS", "soon")])
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("ws.heartbeat_secs") && err.contains("CHATD_WS_HEARTBEAT_SECS"),
        "{err}"
    );
    let err = load(&["--set", "ws.heartbeat_secs=0"], &[])
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("ws.heartbeat_secs") && err.contains("--set ws.heartbeat_secs"),
        "{err}"
    );
    let err = load(&[], &[("CHATD_PASSWORD_MIN_LENGTH", "2")])
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("auth.password_min_length") && err.contains("CHATD_PASSWORD_MIN_LENGTH"),
        "{err}"
    );
    let err = load(&["--set", "ws.heartbeat=1"], &[])
        .unwrap_err()
        .to_string();
    assert!(err.contains("ws.heartbeat"), "{err}");
    let err = load(&["--set", "ws.heartbeat_secs"], &[])
        .unwrap_err()
        .to_string();
    assert!(err.contains("KEY=VALUE"), "{err}");
}

#[test]
fn the_configuration_reference_lists_the_variable_of_every_key() {
    let doc = include_str!("../../../docs/configuration.md");
    let missing: Vec<String> = keys()
        .iter()
        .map(|key| {
            (
                format!("`{}`", key.path),
                format!("`{}`", env_var(&key.path)),
            )
        })
        .filter(|(key, var)| {
            !doc.lines()
                .any(|l| l.starts_with('|') && l.contains(key.as_str()) && l.contains(var.as_str()))
        })
        .map(|(key, var)| format!("{key} {var}"))
        .collect();
    assert!(
        missing.is_empty(),
        "docs/configuration.md has no table row with these keys and variables:\n{}",
        missing.join("\n")
    );
}
