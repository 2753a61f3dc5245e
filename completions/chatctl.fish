# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_chatctl_global_optspecs
    string join \n json config= listen= data-dir= database-url= database-max-connections= redis-url= postgres-bin-dir= postgres-user= log-format= log-level= registration= password-min-length= jwt-secret= access-token-ttl= refresh-token-ttl= trust-forwarded-for= set= h/help V/version
end

function __fish_chatctl_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_chatctl_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_chatctl_using_subcommand
    set -l cmd (__fish_chatctl_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c chatctl -n "__fish_chatctl_needs_command" -l config -d 'The TOML configuration file' -r -F
complete -c chatctl -n "__fish_chatctl_needs_command" -l listen -d 'Address and port to serve on [default: 127.0.0.1:7878]' -r
complete -c chatctl -n "__fish_chatctl_needs_command" -l data-dir -d 'Where chatd keeps its state (embedded PostgreSQL, keys, attachments)' -r -F
complete -c chatctl -n "__fish_chatctl_needs_command" -l database-url -d 'An external PostgreSQL, e.g. `postgres://chatd:pw@db/chatd`. Unset: embedded' -r
complete -c chatctl -n "__fish_chatctl_needs_command" -l database-max-connections -d 'Largest number of PostgreSQL connections in the pool [default: 20]' -r
complete -c chatctl -n "__fish_chatctl_needs_command" -l redis-url -d 'Redis for fan-out between nodes, e.g. `redis://127.0.0.1:6379`. Unset: single node' -r
complete -c chatctl -n "__fish_chatctl_needs_command" -l postgres-bin-dir -d 'Directory of the PostgreSQL binaries for the embedded database' -r -F
complete -c chatctl -n "__fish_chatctl_needs_command" -l postgres-user -d 'System user that runs the embedded PostgreSQL when chatd runs as root [default: postgres]' -r
complete -c chatctl -n "__fish_chatctl_needs_command" -l log-format -d 'Log format: human or json [default: human]' -r
complete -c chatctl -n "__fish_chatctl_needs_command" -l log-level -d 'Log filter, e.g. info or chatd=debug,info [default: info]' -r
complete -c chatctl -n "__fish_chatctl_needs_command" -l registration -d 'Who may register: open, invite or closed [default: open]' -r
complete -c chatctl -n "__fish_chatctl_needs_command" -l password-min-length -d 'Shortest accepted password, in characters [default: 8]' -r
complete -c chatctl -n "__fish_chatctl_needs_command" -l jwt-secret -d 'Secret that signs access tokens (at least 32 bytes). Unset: generated in the data dir' -r
complete -c chatctl -n "__fish_chatctl_needs_command" -l access-token-ttl -d 'Lifetime of access tokens, in seconds [default: 900]' -r
complete -c chatctl -n "__fish_chatctl_needs_command" -l refresh-token-ttl -d 'Lifetime of refresh tokens, in seconds [default: 604800]' -r
complete -c chatctl -n "__fish_chatctl_needs_command" -l trust-forwarded-for -d 'Trust the X-Forwarded-For header for client addresses (behind a reverse proxy)' -r -f -a "true\t''
false\t''"
complete -c chatctl -n "__fish_chatctl_needs_command" -l set -d 'Sets any configuration key, e.g. `--set ws.heartbeat_secs=20` (repeatable; lists as `a,b`). Overrides the flags above, the variables and the file' -r
complete -c chatctl -n "__fish_chatctl_needs_command" -l json -d 'Print data as JSON instead of a table'
complete -c chatctl -n "__fish_chatctl_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c chatctl -n "__fish_chatctl_needs_command" -s V -l version -d 'Print version'
complete -c chatctl -n "__fish_chatctl_needs_command" -f -a "migrate" -d 'Database migrations: status, run, check'
complete -c chatctl -n "__fish_chatctl_needs_command" -f -a "user" -d 'Accounts and their sessions'
complete -c chatctl -n "__fish_chatctl_needs_command" -f -a "group" -d 'Groups and their members, acted as the server\'s operator'
complete -c chatctl -n "__fish_chatctl_needs_command" -f -a "export" -d 'Exports a chat\'s or a user\'s messages as JSON Lines'
complete -c chatctl -n "__fish_chatctl_needs_command" -f -a "backup" -d 'Backups: create, verify, restore, list'
complete -c chatctl -n "__fish_chatctl_needs_command" -f -a "stats" -d 'Server statistics: users, activity, chats, messages, database size'
complete -c chatctl -n "__fish_chatctl_needs_command" -f -a "doctor" -d 'Checks configuration, PostgreSQL, migrations, Redis, data directory and clock'
complete -c chatctl -n "__fish_chatctl_needs_command" -f -a "bench" -d 'Load test: drives a running chatd over real sockets and reports latency and losses'
complete -c chatctl -n "__fish_chatctl_needs_command" -f -a "email" -d 'Outgoing mail: send a test mail through the configured SMTP server'
complete -c chatctl -n "__fish_chatctl_needs_command" -f -a "retention" -d 'Message retention: the policy and what is due, or a pruning pass now'
complete -c chatctl -n "__fish_chatctl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and not __fish_seen_subcommand_from status run check help" -l config -d 'The TOML configuration file' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and not __fish_seen_subcommand_from status run check help" -l listen -d 'Address and port to serve on [default: 127.0.0.1:7878]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and not __fish_seen_subcommand_from status run check help" -l data-dir -d 'Where chatd keeps its state (embedded PostgreSQL, keys, attachments)' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and not __fish_seen_subcommand_from status run check help" -l database-url -d 'An external PostgreSQL, e.g. `postgres://chatd:pw@db/chatd`. Unset: embedded' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and not __fish_seen_subcommand_from status run check help" -l database-max-connections -d 'Largest number of PostgreSQL connections in the pool [default: 20]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and not __fish_seen_subcommand_from status run check help" -l redis-url -d 'Redis for fan-out between nodes, e.g. `redis://127.0.0.1:6379`. Unset: single node' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and not __fish_seen_subcommand_from status run check help" -l postgres-bin-dir -d 'Directory of the PostgreSQL binaries for the embedded database' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and not __fish_seen_subcommand_from status run check help" -l postgres-user -d 'System user that runs the embedded PostgreSQL when chatd runs as root [default: postgres]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and not __fish_seen_subcommand_from status run check help" -l log-format -d 'Log format: human or json [default: human]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and not __fish_seen_subcommand_from status run check help" -l log-level -d 'Log filter, e.g. info or chatd=debug,info [default: info]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and not __fish_seen_subcommand_from status run check help" -l registration -d 'Who may register: open, invite or closed [default: open]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and not __fish_seen_subcommand_from status run check help" -l password-min-length -d 'Shortest accepted password, in characters [default: 8]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and not __fish_seen_subcommand_from status run check help" -l jwt-secret -d 'Secret that signs access tokens (at least 32 bytes). Unset: generated in the data dir' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and not __fish_seen_subcommand_from status run check help" -l access-token-ttl -d 'Lifetime of access tokens, in seconds [default: 900]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and not __fish_seen_subcommand_from status run check help" -l refresh-token-ttl -d 'Lifetime of refresh tokens, in seconds [default: 604800]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and not __fish_seen_subcommand_from status run check help" -l trust-forwarded-for -d 'Trust the X-Forwarded-For header for client addresses (behind a reverse proxy)' -r -f -a "true\t''
false\t''"
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and not __fish_seen_subcommand_from status run check help" -l set -d 'Sets any configuration key, e.g. `--set ws.heartbeat_secs=20` (repeatable; lists as `a,b`). Overrides the flags above, the variables and the file' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and not __fish_seen_subcommand_from status run check help" -l json -d 'Print data as JSON instead of a table'
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and not __fish_seen_subcommand_from status run check help" -s h -l help -d 'Print help'
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and not __fish_seen_subcommand_from status run check help" -f -a "status" -d 'Lists every migration, applied or pending'
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and not __fish_seen_subcommand_from status run check help" -f -a "run" -d 'Applies the pending migrations'
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and not __fish_seen_subcommand_from status run check help" -f -a "check" -d 'Exits 3 when a migration is pending, 1 when one failed or was changed, else 0'
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and not __fish_seen_subcommand_from status run check help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and __fish_seen_subcommand_from status" -l config -d 'The TOML configuration file' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and __fish_seen_subcommand_from status" -l listen -d 'Address and port to serve on [default: 127.0.0.1:7878]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and __fish_seen_subcommand_from status" -l data-dir -d 'Where chatd keeps its state (embedded PostgreSQL, keys, attachments)' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and __fish_seen_subcommand_from status" -l database-url -d 'An external PostgreSQL, e.g. `postgres://chatd:pw@db/chatd`. Unset: embedded' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and __fish_seen_subcommand_from status" -l database-max-connections -d 'Largest number of PostgreSQL connections in the pool [default: 20]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and __fish_seen_subcommand_from status" -l redis-url -d 'Redis for fan-out between nodes, e.g. `redis://127.0.0.1:6379`. Unset: single node' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and __fish_seen_subcommand_from status" -l postgres-bin-dir -d 'Directory of the PostgreSQL binaries for the embedded database' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and __fish_seen_subcommand_from status" -l postgres-user -d 'System user that runs the embedded PostgreSQL when chatd runs as root [default: postgres]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and __fish_seen_subcommand_from status" -l log-format -d 'Log format: human or json [default: human]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and __fish_seen_subcommand_from status" -l log-level -d 'Log filter, e.g. info or chatd=debug,info [default: info]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and __fish_seen_subcommand_from status" -l registration -d 'Who may register: open, invite or closed [default: open]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and __fish_seen_subcommand_from status" -l password-min-length -d 'Shortest accepted password, in characters [default: 8]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and __fish_seen_subcommand_from status" -l jwt-secret -d 'Secret that signs access tokens (at least 32 bytes). Unset: generated in the data dir' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and __fish_seen_subcommand_from status" -l access-token-ttl -d 'Lifetime of access tokens, in seconds [default: 900]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and __fish_seen_subcommand_from status" -l refresh-token-ttl -d 'Lifetime of refresh tokens, in seconds [default: 604800]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and __fish_seen_subcommand_from status" -l trust-forwarded-for -d 'Trust the X-Forwarded-For header for client addresses (behind a reverse proxy)' -r -f -a "true\t''
false\t''"
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and __fish_seen_subcommand_from status" -l set -d 'Sets any configuration key, e.g. `--set ws.heartbeat_secs=20` (repeatable; lists as `a,b`). Overrides the flags above, the variables and the file' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and __fish_seen_subcommand_from status" -l json -d 'Print data as JSON instead of a table'
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help'
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and __fish_seen_subcommand_from run" -l config -d 'The TOML configuration file' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and __fish_seen_subcommand_from run" -l listen -d 'Address and port to serve on [default: 127.0.0.1:7878]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and __fish_seen_subcommand_from run" -l data-dir -d 'Where chatd keeps its state (embedded PostgreSQL, keys, attachments)' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and __fish_seen_subcommand_from run" -l database-url -d 'An external PostgreSQL, e.g. `postgres://chatd:pw@db/chatd`. Unset: embedded' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and __fish_seen_subcommand_from run" -l database-max-connections -d 'Largest number of PostgreSQL connections in the pool [default: 20]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and __fish_seen_subcommand_from run" -l redis-url -d 'Redis for fan-out between nodes, e.g. `redis://127.0.0.1:6379`. Unset: single node' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and __fish_seen_subcommand_from run" -l postgres-bin-dir -d 'Directory of the PostgreSQL binaries for the embedded database' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and __fish_seen_subcommand_from run" -l postgres-user -d 'System user that runs the embedded PostgreSQL when chatd runs as root [default: postgres]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and __fish_seen_subcommand_from run" -l log-format -d 'Log format: human or json [default: human]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and __fish_seen_subcommand_from run" -l log-level -d 'Log filter, e.g. info or chatd=debug,info [default: info]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and __fish_seen_subcommand_from run" -l registration -d 'Who may register: open, invite or closed [default: open]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and __fish_seen_subcommand_from run" -l password-min-length -d 'Shortest accepted password, in characters [default: 8]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and __fish_seen_subcommand_from run" -l jwt-secret -d 'Secret that signs access tokens (at least 32 bytes). Unset: generated in the data dir' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and __fish_seen_subcommand_from run" -l access-token-ttl -d 'Lifetime of access tokens, in seconds [default: 900]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and __fish_seen_subcommand_from run" -l refresh-token-ttl -d 'Lifetime of refresh tokens, in seconds [default: 604800]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and __fish_seen_subcommand_from run" -l trust-forwarded-for -d 'Trust the X-Forwarded-For header for client addresses (behind a reverse proxy)' -r -f -a "true\t''
false\t''"
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and __fish_seen_subcommand_from run" -l set -d 'Sets any configuration key, e.g. `--set ws.heartbeat_secs=20` (repeatable; lists as `a,b`). Overrides the flags above, the variables and the file' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and __fish_seen_subcommand_from run" -l json -d 'Print data as JSON instead of a table'
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and __fish_seen_subcommand_from run" -s h -l help -d 'Print help'
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and __fish_seen_subcommand_from check" -l config -d 'The TOML configuration file' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and __fish_seen_subcommand_from check" -l listen -d 'Address and port to serve on [default: 127.0.0.1:7878]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and __fish_seen_subcommand_from check" -l data-dir -d 'Where chatd keeps its state (embedded PostgreSQL, keys, attachments)' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and __fish_seen_subcommand_from check" -l database-url -d 'An external PostgreSQL, e.g. `postgres://chatd:pw@db/chatd`. Unset: embedded' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and __fish_seen_subcommand_from check" -l database-max-connections -d 'Largest number of PostgreSQL connections in the pool [default: 20]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and __fish_seen_subcommand_from check" -l redis-url -d 'Redis for fan-out between nodes, e.g. `redis://127.0.0.1:6379`. Unset: single node' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and __fish_seen_subcommand_from check" -l postgres-bin-dir -d 'Directory of the PostgreSQL binaries for the embedded database' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and __fish_seen_subcommand_from check" -l postgres-user -d 'System user that runs the embedded PostgreSQL when chatd runs as root [default: postgres]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and __fish_seen_subcommand_from check" -l log-format -d 'Log format: human or json [default: human]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and __fish_seen_subcommand_from check" -l log-level -d 'Log filter, e.g. info or chatd=debug,info [default: info]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and __fish_seen_subcommand_from check" -l registration -d 'Who may register: open, invite or closed [default: open]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and __fish_seen_subcommand_from check" -l password-min-length -d 'Shortest accepted password, in characters [default: 8]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and __fish_seen_subcommand_from check" -l jwt-secret -d 'Secret that signs access tokens (at least 32 bytes). Unset: generated in the data dir' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and __fish_seen_subcommand_from check" -l access-token-ttl -d 'Lifetime of access tokens, in seconds [default: 900]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and __fish_seen_subcommand_from check" -l refresh-token-ttl -d 'Lifetime of refresh tokens, in seconds [default: 604800]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and __fish_seen_subcommand_from check" -l trust-forwarded-for -d 'Trust the X-Forwarded-For header for client addresses (behind a reverse proxy)' -r -f -a "true\t''
false\t''"
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and __fish_seen_subcommand_from check" -l set -d 'Sets any configuration key, e.g. `--set ws.heartbeat_secs=20` (repeatable; lists as `a,b`). Overrides the flags above, the variables and the file' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and __fish_seen_subcommand_from check" -l json -d 'Print data as JSON instead of a table'
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help'
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and __fish_seen_subcommand_from help" -f -a "status" -d 'Lists every migration, applied or pending'
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and __fish_seen_subcommand_from help" -f -a "run" -d 'Applies the pending migrations'
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and __fish_seen_subcommand_from help" -f -a "check" -d 'Exits 3 when a migration is pending, 1 when one failed or was changed, else 0'
complete -c chatctl -n "__fish_chatctl_using_subcommand migrate; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and not __fish_seen_subcommand_from create list show disable enable reset-password set-role delete sessions revoke help" -l config -d 'The TOML configuration file' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and not __fish_seen_subcommand_from create list show disable enable reset-password set-role delete sessions revoke help" -l listen -d 'Address and port to serve on [default: 127.0.0.1:7878]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and not __fish_seen_subcommand_from create list show disable enable reset-password set-role delete sessions revoke help" -l data-dir -d 'Where chatd keeps its state (embedded PostgreSQL, keys, attachments)' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and not __fish_seen_subcommand_from create list show disable enable reset-password set-role delete sessions revoke help" -l database-url -d 'An external PostgreSQL, e.g. `postgres://chatd:pw@db/chatd`. Unset: embedded' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and not __fish_seen_subcommand_from create list show disable enable reset-password set-role delete sessions revoke help" -l database-max-connections -d 'Largest number of PostgreSQL connections in the pool [default: 20]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and not __fish_seen_subcommand_from create list show disable enable reset-password set-role delete sessions revoke help" -l redis-url -d 'Redis for fan-out between nodes, e.g. `redis://127.0.0.1:6379`. Unset: single node' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and not __fish_seen_subcommand_from create list show disable enable reset-password set-role delete sessions revoke help" -l postgres-bin-dir -d 'Directory of the PostgreSQL binaries for the embedded database' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and not __fish_seen_subcommand_from create list show disable enable reset-password set-role delete sessions revoke help" -l postgres-user -d 'System user that runs the embedded PostgreSQL when chatd runs as root [default: postgres]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and not __fish_seen_subcommand_from create list show disable enable reset-password set-role delete sessions revoke help" -l log-format -d 'Log format: human or json [default: human]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and not __fish_seen_subcommand_from create list show disable enable reset-password set-role delete sessions revoke help" -l log-level -d 'Log filter, e.g. info or chatd=debug,info [default: info]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and not __fish_seen_subcommand_from create list show disable enable reset-password set-role delete sessions revoke help" -l registration -d 'Who may register: open, invite or closed [default: open]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and not __fish_seen_subcommand_from create list show disable enable reset-password set-role delete sessions revoke help" -l password-min-length -d 'Shortest accepted password, in characters [default: 8]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and not __fish_seen_subcommand_from create list show disable enable reset-password set-role delete sessions revoke help" -l jwt-secret -d 'Secret that signs access tokens (at least 32 bytes). Unset: generated in the data dir' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and not __fish_seen_subcommand_from create list show disable enable reset-password set-role delete sessions revoke help" -l access-token-ttl -d 'Lifetime of access tokens, in seconds [default: 900]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and not __fish_seen_subcommand_from create list show disable enable reset-password set-role delete sessions revoke help" -l refresh-token-ttl -d 'Lifetime of refresh tokens, in seconds [default: 604800]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and not __fish_seen_subcommand_from create list show disable enable reset-password set-role delete sessions revoke help" -l trust-forwarded-for -d 'Trust the X-Forwarded-For header for client addresses (behind a reverse proxy)' -r -f -a "true\t''
false\t''"
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and not __fish_seen_subcommand_from create list show disable enable reset-password set-role delete sessions revoke help" -l set -d 'Sets any configuration key, e.g. `--set ws.heartbeat_secs=20` (repeatable; lists as `a,b`). Overrides the flags above, the variables and the file' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and not __fish_seen_subcommand_from create list show disable enable reset-password set-role delete sessions revoke help" -l json -d 'Print data as JSON instead of a table'
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and not __fish_seen_subcommand_from create list show disable enable reset-password set-role delete sessions revoke help" -s h -l help -d 'Print help'
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and not __fish_seen_subcommand_from create list show disable enable reset-password set-role delete sessions revoke help" -f -a "create" -d 'Creates an account. The password is read from a prompt, or from stdin'
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and not __fish_seen_subcommand_from create list show disable enable reset-password set-role delete sessions revoke help" -f -a "list" -d 'Lists accounts by username'
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and not __fish_seen_subcommand_from create list show disable enable reset-password set-role delete sessions revoke help" -f -a "show" -d 'Shows one account'
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and not __fish_seen_subcommand_from create list show disable enable reset-password set-role delete sessions revoke help" -f -a "disable" -d 'Disables an account and revokes all of its sessions at once'
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and not __fish_seen_subcommand_from create list show disable enable reset-password set-role delete sessions revoke help" -f -a "enable" -d 'Enables a disabled account (its old sessions stay revoked)'
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and not __fish_seen_subcommand_from create list show disable enable reset-password set-role delete sessions revoke help" -f -a "reset-password" -d 'Sets a new password (prompt or stdin) and revokes all sessions'
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and not __fish_seen_subcommand_from create list show disable enable reset-password set-role delete sessions revoke help" -f -a "set-role" -d 'Grants or removes server administration'
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and not __fish_seen_subcommand_from create list show disable enable reset-password set-role delete sessions revoke help" -f -a "delete" -d 'Deletes an account for good; its messages stay, shown as from a deleted user'
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and not __fish_seen_subcommand_from create list show disable enable reset-password set-role delete sessions revoke help" -f -a "sessions" -d 'Lists the account\'s sessions, revoked ones included'
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and not __fish_seen_subcommand_from create list show disable enable reset-password set-role delete sessions revoke help" -f -a "revoke" -d 'Revokes one session, or all of them with --all'
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and not __fish_seen_subcommand_from create list show disable enable reset-password set-role delete sessions revoke help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from create" -l display-name -d 'The display name' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from create" -l config -d 'The TOML configuration file' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from create" -l listen -d 'Address and port to serve on [default: 127.0.0.1:7878]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from create" -l data-dir -d 'Where chatd keeps its state (embedded PostgreSQL, keys, attachments)' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from create" -l database-url -d 'An external PostgreSQL, e.g. `postgres://chatd:pw@db/chatd`. Unset: embedded' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from create" -l database-max-connections -d 'Largest number of PostgreSQL connections in the pool [default: 20]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from create" -l redis-url -d 'Redis for fan-out between nodes, e.g. `redis://127.0.0.1:6379`. Unset: single node' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from create" -l postgres-bin-dir -d 'Directory of the PostgreSQL binaries for the embedded database' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from create" -l postgres-user -d 'System user that runs the embedded PostgreSQL when chatd runs as root [default: postgres]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from create" -l log-format -d 'Log format: human or json [default: human]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from create" -l log-level -d 'Log filter, e.g. info or chatd=debug,info [default: info]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from create" -l registration -d 'Who may register: open, invite or closed [default: open]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from create" -l password-min-length -d 'Shortest accepted password, in characters [default: 8]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from create" -l jwt-secret -d 'Secret that signs access tokens (at least 32 bytes). Unset: generated in the data dir' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from create" -l access-token-ttl -d 'Lifetime of access tokens, in seconds [default: 900]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from create" -l refresh-token-ttl -d 'Lifetime of refresh tokens, in seconds [default: 604800]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from create" -l trust-forwarded-for -d 'Trust the X-Forwarded-For header for client addresses (behind a reverse proxy)' -r -f -a "true\t''
false\t''"
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from create" -l set -d 'Sets any configuration key, e.g. `--set ws.heartbeat_secs=20` (repeatable; lists as `a,b`). Overrides the flags above, the variables and the file' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from create" -l admin -d 'Make the account a server administrator'
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from create" -l password-stdin -d 'Read the password from the first line of stdin instead of a prompt'
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from create" -l json -d 'Print data as JSON instead of a table'
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from list" -l query -d 'Only usernames starting with this' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from list" -l limit -d 'Page size' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from list" -l offset -d 'Accounts skipped' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from list" -l config -d 'The TOML configuration file' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from list" -l listen -d 'Address and port to serve on [default: 127.0.0.1:7878]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from list" -l data-dir -d 'Where chatd keeps its state (embedded PostgreSQL, keys, attachments)' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from list" -l database-url -d 'An external PostgreSQL, e.g. `postgres://chatd:pw@db/chatd`. Unset: embedded' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from list" -l database-max-connections -d 'Largest number of PostgreSQL connections in the pool [default: 20]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from list" -l redis-url -d 'Redis for fan-out between nodes, e.g. `redis://127.0.0.1:6379`. Unset: single node' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from list" -l postgres-bin-dir -d 'Directory of the PostgreSQL binaries for the embedded database' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from list" -l postgres-user -d 'System user that runs the embedded PostgreSQL when chatd runs as root [default: postgres]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from list" -l log-format -d 'Log format: human or json [default: human]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from list" -l log-level -d 'Log filter, e.g. info or chatd=debug,info [default: info]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from list" -l registration -d 'Who may register: open, invite or closed [default: open]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from list" -l password-min-length -d 'Shortest accepted password, in characters [default: 8]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from list" -l jwt-secret -d 'Secret that signs access tokens (at least 32 bytes). Unset: generated in the data dir' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from list" -l access-token-ttl -d 'Lifetime of access tokens, in seconds [default: 900]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from list" -l refresh-token-ttl -d 'Lifetime of refresh tokens, in seconds [default: 604800]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from list" -l trust-forwarded-for -d 'Trust the X-Forwarded-For header for client addresses (behind a reverse proxy)' -r -f -a "true\t''
false\t''"
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from list" -l set -d 'Sets any configuration key, e.g. `--set ws.heartbeat_secs=20` (repeatable; lists as `a,b`). Overrides the flags above, the variables and the file' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from list" -l admin -d 'Only administrators'
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from list" -l disabled -d 'Only disabled accounts'
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from list" -l json -d 'Print data as JSON instead of a table'
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from show" -l config -d 'The TOML configuration file' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from show" -l listen -d 'Address and port to serve on [default: 127.0.0.1:7878]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from show" -l data-dir -d 'Where chatd keeps its state (embedded PostgreSQL, keys, attachments)' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from show" -l database-url -d 'An external PostgreSQL, e.g. `postgres://chatd:pw@db/chatd`. Unset: embedded' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from show" -l database-max-connections -d 'Largest number of PostgreSQL connections in the pool [default: 20]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from show" -l redis-url -d 'Redis for fan-out between nodes, e.g. `redis://127.0.0.1:6379`. Unset: single node' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from show" -l postgres-bin-dir -d 'Directory of the PostgreSQL binaries for the embedded database' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from show" -l postgres-user -d 'System user that runs the embedded PostgreSQL when chatd runs as root [default: postgres]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from show" -l log-format -d 'Log format: human or json [default: human]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from show" -l log-level -d 'Log filter, e.g. info or chatd=debug,info [default: info]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from show" -l registration -d 'Who may register: open, invite or closed [default: open]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from show" -l password-min-length -d 'Shortest accepted password, in characters [default: 8]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from show" -l jwt-secret -d 'Secret that signs access tokens (at least 32 bytes). Unset: generated in the data dir' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from show" -l access-token-ttl -d 'Lifetime of access tokens, in seconds [default: 900]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from show" -l refresh-token-ttl -d 'Lifetime of refresh tokens, in seconds [default: 604800]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from show" -l trust-forwarded-for -d 'Trust the X-Forwarded-For header for client addresses (behind a reverse proxy)' -r -f -a "true\t''
false\t''"
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from show" -l set -d 'Sets any configuration key, e.g. `--set ws.heartbeat_secs=20` (repeatable; lists as `a,b`). Overrides the flags above, the variables and the file' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from show" -l json -d 'Print data as JSON instead of a table'
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from disable" -l config -d 'The TOML configuration file' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from disable" -l listen -d 'Address and port to serve on [default: 127.0.0.1:7878]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from disable" -l data-dir -d 'Where chatd keeps its state (embedded PostgreSQL, keys, attachments)' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from disable" -l database-url -d 'An external PostgreSQL, e.g. `postgres://chatd:pw@db/chatd`. Unset: embedded' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from disable" -l database-max-connections -d 'Largest number of PostgreSQL connections in the pool [default: 20]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from disable" -l redis-url -d 'Redis for fan-out between nodes, e.g. `redis://127.0.0.1:6379`. Unset: single node' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from disable" -l postgres-bin-dir -d 'Directory of the PostgreSQL binaries for the embedded database' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from disable" -l postgres-user -d 'System user that runs the embedded PostgreSQL when chatd runs as root [default: postgres]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from disable" -l log-format -d 'Log format: human or json [default: human]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from disable" -l log-level -d 'Log filter, e.g. info or chatd=debug,info [default: info]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from disable" -l registration -d 'Who may register: open, invite or closed [default: open]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from disable" -l password-min-length -d 'Shortest accepted password, in characters [default: 8]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from disable" -l jwt-secret -d 'Secret that signs access tokens (at least 32 bytes). Unset: generated in the data dir' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from disable" -l access-token-ttl -d 'Lifetime of access tokens, in seconds [default: 900]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from disable" -l refresh-token-ttl -d 'Lifetime of refresh tokens, in seconds [default: 604800]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from disable" -l trust-forwarded-for -d 'Trust the X-Forwarded-For header for client addresses (behind a reverse proxy)' -r -f -a "true\t''
false\t''"
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from disable" -l set -d 'Sets any configuration key, e.g. `--set ws.heartbeat_secs=20` (repeatable; lists as `a,b`). Overrides the flags above, the variables and the file' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from disable" -l json -d 'Print data as JSON instead of a table'
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from disable" -s h -l help -d 'Print help'
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from enable" -l config -d 'The TOML configuration file' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from enable" -l listen -d 'Address and port to serve on [default: 127.0.0.1:7878]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from enable" -l data-dir -d 'Where chatd keeps its state (embedded PostgreSQL, keys, attachments)' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from enable" -l database-url -d 'An external PostgreSQL, e.g. `postgres://chatd:pw@db/chatd`. Unset: embedded' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from enable" -l database-max-connections -d 'Largest number of PostgreSQL connections in the pool [default: 20]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from enable" -l redis-url -d 'Redis for fan-out between nodes, e.g. `redis://127.0.0.1:6379`. Unset: single node' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from enable" -l postgres-bin-dir -d 'Directory of the PostgreSQL binaries for the embedded database' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from enable" -l postgres-user -d 'System user that runs the embedded PostgreSQL when chatd runs as root [default: postgres]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from enable" -l log-format -d 'Log format: human or json [default: human]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from enable" -l log-level -d 'Log filter, e.g. info or chatd=debug,info [default: info]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from enable" -l registration -d 'Who may register: open, invite or closed [default: open]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from enable" -l password-min-length -d 'Shortest accepted password, in characters [default: 8]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from enable" -l jwt-secret -d 'Secret that signs access tokens (at least 32 bytes). Unset: generated in the data dir' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from enable" -l access-token-ttl -d 'Lifetime of access tokens, in seconds [default: 900]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from enable" -l refresh-token-ttl -d 'Lifetime of refresh tokens, in seconds [default: 604800]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from enable" -l trust-forwarded-for -d 'Trust the X-Forwarded-For header for client addresses (behind a reverse proxy)' -r -f -a "true\t''
false\t''"
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from enable" -l set -d 'Sets any configuration key, e.g. `--set ws.heartbeat_secs=20` (repeatable; lists as `a,b`). Overrides the flags above, the variables and the file' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from enable" -l json -d 'Print data as JSON instead of a table'
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from enable" -s h -l help -d 'Print help'
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from reset-password" -l config -d 'The TOML configuration file' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from reset-password" -l listen -d 'Address and port to serve on [default: 127.0.0.1:7878]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from reset-password" -l data-dir -d 'Where chatd keeps its state (embedded PostgreSQL, keys, attachments)' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from reset-password" -l database-url -d 'An external PostgreSQL, e.g. `postgres://chatd:pw@db/chatd`. Unset: embedded' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from reset-password" -l database-max-connections -d 'Largest number of PostgreSQL connections in the pool [default: 20]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from reset-password" -l redis-url -d 'Redis for fan-out between nodes, e.g. `redis://127.0.0.1:6379`. Unset: single node' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from reset-password" -l postgres-bin-dir -d 'Directory of the PostgreSQL binaries for the embedded database' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from reset-password" -l postgres-user -d 'System user that runs the embedded PostgreSQL when chatd runs as root [default: postgres]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from reset-password" -l log-format -d 'Log format: human or json [default: human]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from reset-password" -l log-level -d 'Log filter, e.g. info or chatd=debug,info [default: info]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from reset-password" -l registration -d 'Who may register: open, invite or closed [default: open]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from reset-password" -l password-min-length -d 'Shortest accepted password, in characters [default: 8]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from reset-password" -l jwt-secret -d 'Secret that signs access tokens (at least 32 bytes). Unset: generated in the data dir' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from reset-password" -l access-token-ttl -d 'Lifetime of access tokens, in seconds [default: 900]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from reset-password" -l refresh-token-ttl -d 'Lifetime of refresh tokens, in seconds [default: 604800]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from reset-password" -l trust-forwarded-for -d 'Trust the X-Forwarded-For header for client addresses (behind a reverse proxy)' -r -f -a "true\t''
false\t''"
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from reset-password" -l set -d 'Sets any configuration key, e.g. `--set ws.heartbeat_secs=20` (repeatable; lists as `a,b`). Overrides the flags above, the variables and the file' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from reset-password" -l password-stdin -d 'Read the password from the first line of stdin instead of a prompt'
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from reset-password" -l json -d 'Print data as JSON instead of a table'
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from reset-password" -s h -l help -d 'Print help'
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from set-role" -l config -d 'The TOML configuration file' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from set-role" -l listen -d 'Address and port to serve on [default: 127.0.0.1:7878]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from set-role" -l data-dir -d 'Where chatd keeps its state (embedded PostgreSQL, keys, attachments)' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from set-role" -l database-url -d 'An external PostgreSQL, e.g. `postgres://chatd:pw@db/chatd`. Unset: embedded' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from set-role" -l database-max-connections -d 'Largest number of PostgreSQL connections in the pool [default: 20]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from set-role" -l redis-url -d 'Redis for fan-out between nodes, e.g. `redis://127.0.0.1:6379`. Unset: single node' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from set-role" -l postgres-bin-dir -d 'Directory of the PostgreSQL binaries for the embedded database' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from set-role" -l postgres-user -d 'System user that runs the embedded PostgreSQL when chatd runs as root [default: postgres]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from set-role" -l log-format -d 'Log format: human or json [default: human]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from set-role" -l log-level -d 'Log filter, e.g. info or chatd=debug,info [default: info]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from set-role" -l registration -d 'Who may register: open, invite or closed [default: open]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from set-role" -l password-min-length -d 'Shortest accepted password, in characters [default: 8]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from set-role" -l jwt-secret -d 'Secret that signs access tokens (at least 32 bytes). Unset: generated in the data dir' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from set-role" -l access-token-ttl -d 'Lifetime of access tokens, in seconds [default: 900]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from set-role" -l refresh-token-ttl -d 'Lifetime of refresh tokens, in seconds [default: 604800]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from set-role" -l trust-forwarded-for -d 'Trust the X-Forwarded-For header for client addresses (behind a reverse proxy)' -r -f -a "true\t''
false\t''"
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from set-role" -l set -d 'Sets any configuration key, e.g. `--set ws.heartbeat_secs=20` (repeatable; lists as `a,b`). Overrides the flags above, the variables and the file' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from set-role" -l json -d 'Print data as JSON instead of a table'
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from set-role" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from delete" -l config -d 'The TOML configuration file' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from delete" -l listen -d 'Address and port to serve on [default: 127.0.0.1:7878]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from delete" -l data-dir -d 'Where chatd keeps its state (embedded PostgreSQL, keys, attachments)' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from delete" -l database-url -d 'An external PostgreSQL, e.g. `postgres://chatd:pw@db/chatd`. Unset: embedded' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from delete" -l database-max-connections -d 'Largest number of PostgreSQL connections in the pool [default: 20]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from delete" -l redis-url -d 'Redis for fan-out between nodes, e.g. `redis://127.0.0.1:6379`. Unset: single node' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from delete" -l postgres-bin-dir -d 'Directory of the PostgreSQL binaries for the embedded database' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from delete" -l postgres-user -d 'System user that runs the embedded PostgreSQL when chatd runs as root [default: postgres]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from delete" -l log-format -d 'Log format: human or json [default: human]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from delete" -l log-level -d 'Log filter, e.g. info or chatd=debug,info [default: info]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from delete" -l registration -d 'Who may register: open, invite or closed [default: open]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from delete" -l password-min-length -d 'Shortest accepted password, in characters [default: 8]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from delete" -l jwt-secret -d 'Secret that signs access tokens (at least 32 bytes). Unset: generated in the data dir' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from delete" -l access-token-ttl -d 'Lifetime of access tokens, in seconds [default: 900]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from delete" -l refresh-token-ttl -d 'Lifetime of refresh tokens, in seconds [default: 604800]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from delete" -l trust-forwarded-for -d 'Trust the X-Forwarded-For header for client addresses (behind a reverse proxy)' -r -f -a "true\t''
false\t''"
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from delete" -l set -d 'Sets any configuration key, e.g. `--set ws.heartbeat_secs=20` (repeatable; lists as `a,b`). Overrides the flags above, the variables and the file' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from delete" -l yes -d 'Do not ask for confirmation'
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from delete" -l json -d 'Print data as JSON instead of a table'
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help'
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from sessions" -l config -d 'The TOML configuration file' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from sessions" -l listen -d 'Address and port to serve on [default: 127.0.0.1:7878]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from sessions" -l data-dir -d 'Where chatd keeps its state (embedded PostgreSQL, keys, attachments)' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from sessions" -l database-url -d 'An external PostgreSQL, e.g. `postgres://chatd:pw@db/chatd`. Unset: embedded' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from sessions" -l database-max-connections -d 'Largest number of PostgreSQL connections in the pool [default: 20]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from sessions" -l redis-url -d 'Redis for fan-out between nodes, e.g. `redis://127.0.0.1:6379`. Unset: single node' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from sessions" -l postgres-bin-dir -d 'Directory of the PostgreSQL binaries for the embedded database' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from sessions" -l postgres-user -d 'System user that runs the embedded PostgreSQL when chatd runs as root [default: postgres]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from sessions" -l log-format -d 'Log format: human or json [default: human]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from sessions" -l log-level -d 'Log filter, e.g. info or chatd=debug,info [default: info]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from sessions" -l registration -d 'Who may register: open, invite or closed [default: open]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from sessions" -l password-min-length -d 'Shortest accepted password, in characters [default: 8]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from sessions" -l jwt-secret -d 'Secret that signs access tokens (at least 32 bytes). Unset: generated in the data dir' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from sessions" -l access-token-ttl -d 'Lifetime of access tokens, in seconds [default: 900]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from sessions" -l refresh-token-ttl -d 'Lifetime of refresh tokens, in seconds [default: 604800]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from sessions" -l trust-forwarded-for -d 'Trust the X-Forwarded-For header for client addresses (behind a reverse proxy)' -r -f -a "true\t''
false\t''"
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from sessions" -l set -d 'Sets any configuration key, e.g. `--set ws.heartbeat_secs=20` (repeatable; lists as `a,b`). Overrides the flags above, the variables and the file' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from sessions" -l json -d 'Print data as JSON instead of a table'
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from sessions" -s h -l help -d 'Print help'
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from revoke" -l config -d 'The TOML configuration file' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from revoke" -l listen -d 'Address and port to serve on [default: 127.0.0.1:7878]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from revoke" -l data-dir -d 'Where chatd keeps its state (embedded PostgreSQL, keys, attachments)' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from revoke" -l database-url -d 'An external PostgreSQL, e.g. `postgres://chatd:pw@db/chatd`. Unset: embedded' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from revoke" -l database-max-connections -d 'Largest number of PostgreSQL connections in the pool [default: 20]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from revoke" -l redis-url -d 'Redis for fan-out between nodes, e.g. `redis://127.0.0.1:6379`. Unset: single node' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from revoke" -l postgres-bin-dir -d 'Directory of the PostgreSQL binaries for the embedded database' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from revoke" -l postgres-user -d 'System user that runs the embedded PostgreSQL when chatd runs as root [default: postgres]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from revoke" -l log-format -d 'Log format: human or json [default: human]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from revoke" -l log-level -d 'Log filter, e.g. info or chatd=debug,info [default: info]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from revoke" -l registration -d 'Who may register: open, invite or closed [default: open]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from revoke" -l password-min-length -d 'Shortest accepted password, in characters [default: 8]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from revoke" -l jwt-secret -d 'Secret that signs access tokens (at least 32 bytes). Unset: generated in the data dir' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from revoke" -l access-token-ttl -d 'Lifetime of access tokens, in seconds [default: 900]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from revoke" -l refresh-token-ttl -d 'Lifetime of refresh tokens, in seconds [default: 604800]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from revoke" -l trust-forwarded-for -d 'Trust the X-Forwarded-For header for client addresses (behind a reverse proxy)' -r -f -a "true\t''
false\t''"
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from revoke" -l set -d 'Sets any configuration key, e.g. `--set ws.heartbeat_secs=20` (repeatable; lists as `a,b`). Overrides the flags above, the variables and the file' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from revoke" -l all -d 'Revoke every live session'
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from revoke" -l json -d 'Print data as JSON instead of a table'
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from revoke" -s h -l help -d 'Print help'
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from help" -f -a "create" -d 'Creates an account. The password is read from a prompt, or from stdin'
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from help" -f -a "list" -d 'Lists accounts by username'
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from help" -f -a "show" -d 'Shows one account'
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from help" -f -a "disable" -d 'Disables an account and revokes all of its sessions at once'
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from help" -f -a "enable" -d 'Enables a disabled account (its old sessions stay revoked)'
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from help" -f -a "reset-password" -d 'Sets a new password (prompt or stdin) and revokes all sessions'
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from help" -f -a "set-role" -d 'Grants or removes server administration'
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Deletes an account for good; its messages stay, shown as from a deleted user'
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from help" -f -a "sessions" -d 'Lists the account\'s sessions, revoked ones included'
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from help" -f -a "revoke" -d 'Revokes one session, or all of them with --all'
complete -c chatctl -n "__fish_chatctl_using_subcommand user; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and not __fish_seen_subcommand_from create list show add-member remove-member set-role rename transfer delete help" -l config -d 'The TOML configuration file' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and not __fish_seen_subcommand_from create list show add-member remove-member set-role rename transfer delete help" -l listen -d 'Address and port to serve on [default: 127.0.0.1:7878]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and not __fish_seen_subcommand_from create list show add-member remove-member set-role rename transfer delete help" -l data-dir -d 'Where chatd keeps its state (embedded PostgreSQL, keys, attachments)' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and not __fish_seen_subcommand_from create list show add-member remove-member set-role rename transfer delete help" -l database-url -d 'An external PostgreSQL, e.g. `postgres://chatd:pw@db/chatd`. Unset: embedded' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and not __fish_seen_subcommand_from create list show add-member remove-member set-role rename transfer delete help" -l database-max-connections -d 'Largest number of PostgreSQL connections in the pool [default: 20]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and not __fish_seen_subcommand_from create list show add-member remove-member set-role rename transfer delete help" -l redis-url -d 'Redis for fan-out between nodes, e.g. `redis://127.0.0.1:6379`. Unset: single node' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and not __fish_seen_subcommand_from create list show add-member remove-member set-role rename transfer delete help" -l postgres-bin-dir -d 'Directory of the PostgreSQL binaries for the embedded database' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and not __fish_seen_subcommand_from create list show add-member remove-member set-role rename transfer delete help" -l postgres-user -d 'System user that runs the embedded PostgreSQL when chatd runs as root [default: postgres]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and not __fish_seen_subcommand_from create list show add-member remove-member set-role rename transfer delete help" -l log-format -d 'Log format: human or json [default: human]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and not __fish_seen_subcommand_from create list show add-member remove-member set-role rename transfer delete help" -l log-level -d 'Log filter, e.g. info or chatd=debug,info [default: info]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and not __fish_seen_subcommand_from create list show add-member remove-member set-role rename transfer delete help" -l registration -d 'Who may register: open, invite or closed [default: open]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and not __fish_seen_subcommand_from create list show add-member remove-member set-role rename transfer delete help" -l password-min-length -d 'Shortest accepted password, in characters [default: 8]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and not __fish_seen_subcommand_from create list show add-member remove-member set-role rename transfer delete help" -l jwt-secret -d 'Secret that signs access tokens (at least 32 bytes). Unset: generated in the data dir' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and not __fish_seen_subcommand_from create list show add-member remove-member set-role rename transfer delete help" -l access-token-ttl -d 'Lifetime of access tokens, in seconds [default: 900]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and not __fish_seen_subcommand_from create list show add-member remove-member set-role rename transfer delete help" -l refresh-token-ttl -d 'Lifetime of refresh tokens, in seconds [default: 604800]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and not __fish_seen_subcommand_from create list show add-member remove-member set-role rename transfer delete help" -l trust-forwarded-for -d 'Trust the X-Forwarded-For header for client addresses (behind a reverse proxy)' -r -f -a "true\t''
false\t''"
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and not __fish_seen_subcommand_from create list show add-member remove-member set-role rename transfer delete help" -l set -d 'Sets any configuration key, e.g. `--set ws.heartbeat_secs=20` (repeatable; lists as `a,b`). Overrides the flags above, the variables and the file' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and not __fish_seen_subcommand_from create list show add-member remove-member set-role rename transfer delete help" -l json -d 'Print data as JSON instead of a table'
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and not __fish_seen_subcommand_from create list show add-member remove-member set-role rename transfer delete help" -s h -l help -d 'Print help'
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and not __fish_seen_subcommand_from create list show add-member remove-member set-role rename transfer delete help" -f -a "create" -d 'Creates a group with an owner and members'
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and not __fish_seen_subcommand_from create list show add-member remove-member set-role rename transfer delete help" -f -a "list" -d 'Lists live groups by name'
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and not __fish_seen_subcommand_from create list show add-member remove-member set-role rename transfer delete help" -f -a "show" -d 'Shows a group with its members and their roles'
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and not __fish_seen_subcommand_from create list show add-member remove-member set-role rename transfer delete help" -f -a "add-member" -d 'Adds members (users already in are skipped)'
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and not __fish_seen_subcommand_from create list show add-member remove-member set-role rename transfer delete help" -f -a "remove-member" -d 'Removes a member (not the owner: transfer first, or delete the group)'
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and not __fish_seen_subcommand_from create list show add-member remove-member set-role rename transfer delete help" -f -a "set-role" -d 'Makes a member an admin or a plain member'
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and not __fish_seen_subcommand_from create list show add-member remove-member set-role rename transfer delete help" -f -a "rename" -d 'Renames a group and/or changes its slug'
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and not __fish_seen_subcommand_from create list show add-member remove-member set-role rename transfer delete help" -f -a "transfer" -d 'Makes a member the owner; the previous owner becomes an admin'
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and not __fish_seen_subcommand_from create list show add-member remove-member set-role rename transfer delete help" -f -a "delete" -d 'Deletes a group for every member'
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and not __fish_seen_subcommand_from create list show add-member remove-member set-role rename transfer delete help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from create" -l owner -d 'The owner' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from create" -l member -d 'A member; repeat for more (at most 300 with the owner)' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from create" -l slug -d 'The slug (3-64 of a-z, 0-9, `-`)' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from create" -l config -d 'The TOML configuration file' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from create" -l listen -d 'Address and port to serve on [default: 127.0.0.1:7878]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from create" -l data-dir -d 'Where chatd keeps its state (embedded PostgreSQL, keys, attachments)' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from create" -l database-url -d 'An external PostgreSQL, e.g. `postgres://chatd:pw@db/chatd`. Unset: embedded' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from create" -l database-max-connections -d 'Largest number of PostgreSQL connections in the pool [default: 20]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from create" -l redis-url -d 'Redis for fan-out between nodes, e.g. `redis://127.0.0.1:6379`. Unset: single node' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from create" -l postgres-bin-dir -d 'Directory of the PostgreSQL binaries for the embedded database' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from create" -l postgres-user -d 'System user that runs the embedded PostgreSQL when chatd runs as root [default: postgres]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from create" -l log-format -d 'Log format: human or json [default: human]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from create" -l log-level -d 'Log filter, e.g. info or chatd=debug,info [default: info]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from create" -l registration -d 'Who may register: open, invite or closed [default: open]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from create" -l password-min-length -d 'Shortest accepted password, in characters [default: 8]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from create" -l jwt-secret -d 'Secret that signs access tokens (at least 32 bytes). Unset: generated in the data dir' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from create" -l access-token-ttl -d 'Lifetime of access tokens, in seconds [default: 900]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from create" -l refresh-token-ttl -d 'Lifetime of refresh tokens, in seconds [default: 604800]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from create" -l trust-forwarded-for -d 'Trust the X-Forwarded-For header for client addresses (behind a reverse proxy)' -r -f -a "true\t''
false\t''"
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from create" -l set -d 'Sets any configuration key, e.g. `--set ws.heartbeat_secs=20` (repeatable; lists as `a,b`). Overrides the flags above, the variables and the file' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from create" -l json -d 'Print data as JSON instead of a table'
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from list" -l query -d 'Only groups whose name or slug contains this (any case)' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from list" -l member -d 'Only groups this user is a member of' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from list" -l limit -d 'Page size' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from list" -l offset -d 'Groups skipped' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from list" -l config -d 'The TOML configuration file' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from list" -l listen -d 'Address and port to serve on [default: 127.0.0.1:7878]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from list" -l data-dir -d 'Where chatd keeps its state (embedded PostgreSQL, keys, attachments)' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from list" -l database-url -d 'An external PostgreSQL, e.g. `postgres://chatd:pw@db/chatd`. Unset: embedded' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from list" -l database-max-connections -d 'Largest number of PostgreSQL connections in the pool [default: 20]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from list" -l redis-url -d 'Redis for fan-out between nodes, e.g. `redis://127.0.0.1:6379`. Unset: single node' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from list" -l postgres-bin-dir -d 'Directory of the PostgreSQL binaries for the embedded database' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from list" -l postgres-user -d 'System user that runs the embedded PostgreSQL when chatd runs as root [default: postgres]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from list" -l log-format -d 'Log format: human or json [default: human]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from list" -l log-level -d 'Log filter, e.g. info or chatd=debug,info [default: info]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from list" -l registration -d 'Who may register: open, invite or closed [default: open]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from list" -l password-min-length -d 'Shortest accepted password, in characters [default: 8]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from list" -l jwt-secret -d 'Secret that signs access tokens (at least 32 bytes). Unset: generated in the data dir' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from list" -l access-token-ttl -d 'Lifetime of access tokens, in seconds [default: 900]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from list" -l refresh-token-ttl -d 'Lifetime of refresh tokens, in seconds [default: 604800]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from list" -l trust-forwarded-for -d 'Trust the X-Forwarded-For header for client addresses (behind a reverse proxy)' -r -f -a "true\t''
false\t''"
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from list" -l set -d 'Sets any configuration key, e.g. `--set ws.heartbeat_secs=20` (repeatable; lists as `a,b`). Overrides the flags above, the variables and the file' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from list" -l json -d 'Print data as JSON instead of a table'
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from show" -l config -d 'The TOML configuration file' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from show" -l listen -d 'Address and port to serve on [default: 127.0.0.1:7878]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from show" -l data-dir -d 'Where chatd keeps its state (embedded PostgreSQL, keys, attachments)' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from show" -l database-url -d 'An external PostgreSQL, e.g. `postgres://chatd:pw@db/chatd`. Unset: embedded' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from show" -l database-max-connections -d 'Largest number of PostgreSQL connections in the pool [default: 20]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from show" -l redis-url -d 'Redis for fan-out between nodes, e.g. `redis://127.0.0.1:6379`. Unset: single node' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from show" -l postgres-bin-dir -d 'Directory of the PostgreSQL binaries for the embedded database' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from show" -l postgres-user -d 'System user that runs the embedded PostgreSQL when chatd runs as root [default: postgres]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from show" -l log-format -d 'Log format: human or json [default: human]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from show" -l log-level -d 'Log filter, e.g. info or chatd=debug,info [default: info]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from show" -l registration -d 'Who may register: open, invite or closed [default: open]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from show" -l password-min-length -d 'Shortest accepted password, in characters [default: 8]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from show" -l jwt-secret -d 'Secret that signs access tokens (at least 32 bytes). Unset: generated in the data dir' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from show" -l access-token-ttl -d 'Lifetime of access tokens, in seconds [default: 900]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from show" -l refresh-token-ttl -d 'Lifetime of refresh tokens, in seconds [default: 604800]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from show" -l trust-forwarded-for -d 'Trust the X-Forwarded-For header for client addresses (behind a reverse proxy)' -r -f -a "true\t''
false\t''"
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from show" -l set -d 'Sets any configuration key, e.g. `--set ws.heartbeat_secs=20` (repeatable; lists as `a,b`). Overrides the flags above, the variables and the file' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from show" -l json -d 'Print data as JSON instead of a table'
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from add-member" -l config -d 'The TOML configuration file' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from add-member" -l listen -d 'Address and port to serve on [default: 127.0.0.1:7878]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from add-member" -l data-dir -d 'Where chatd keeps its state (embedded PostgreSQL, keys, attachments)' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from add-member" -l database-url -d 'An external PostgreSQL, e.g. `postgres://chatd:pw@db/chatd`. Unset: embedded' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from add-member" -l database-max-connections -d 'Largest number of PostgreSQL connections in the pool [default: 20]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from add-member" -l redis-url -d 'Redis for fan-out between nodes, e.g. `redis://127.0.0.1:6379`. Unset: single node' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from add-member" -l postgres-bin-dir -d 'Directory of the PostgreSQL binaries for the embedded database' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from add-member" -l postgres-user -d 'System user that runs the embedded PostgreSQL when chatd runs as root [default: postgres]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from add-member" -l log-format -d 'Log format: human or json [default: human]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from add-member" -l log-level -d 'Log filter, e.g. info or chatd=debug,info [default: info]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from add-member" -l registration -d 'Who may register: open, invite or closed [default: open]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from add-member" -l password-min-length -d 'Shortest accepted password, in characters [default: 8]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from add-member" -l jwt-secret -d 'Secret that signs access tokens (at least 32 bytes). Unset: generated in the data dir' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from add-member" -l access-token-ttl -d 'Lifetime of access tokens, in seconds [default: 900]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from add-member" -l refresh-token-ttl -d 'Lifetime of refresh tokens, in seconds [default: 604800]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from add-member" -l trust-forwarded-for -d 'Trust the X-Forwarded-For header for client addresses (behind a reverse proxy)' -r -f -a "true\t''
false\t''"
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from add-member" -l set -d 'Sets any configuration key, e.g. `--set ws.heartbeat_secs=20` (repeatable; lists as `a,b`). Overrides the flags above, the variables and the file' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from add-member" -l json -d 'Print data as JSON instead of a table'
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from add-member" -s h -l help -d 'Print help'
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from remove-member" -l config -d 'The TOML configuration file' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from remove-member" -l listen -d 'Address and port to serve on [default: 127.0.0.1:7878]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from remove-member" -l data-dir -d 'Where chatd keeps its state (embedded PostgreSQL, keys, attachments)' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from remove-member" -l database-url -d 'An external PostgreSQL, e.g. `postgres://chatd:pw@db/chatd`. Unset: embedded' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from remove-member" -l database-max-connections -d 'Largest number of PostgreSQL connections in the pool [default: 20]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from remove-member" -l redis-url -d 'Redis for fan-out between nodes, e.g. `redis://127.0.0.1:6379`. Unset: single node' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from remove-member" -l postgres-bin-dir -d 'Directory of the PostgreSQL binaries for the embedded database' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from remove-member" -l postgres-user -d 'System user that runs the embedded PostgreSQL when chatd runs as root [default: postgres]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from remove-member" -l log-format -d 'Log format: human or json [default: human]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from remove-member" -l log-level -d 'Log filter, e.g. info or chatd=debug,info [default: info]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from remove-member" -l registration -d 'Who may register: open, invite or closed [default: open]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from remove-member" -l password-min-length -d 'Shortest accepted password, in characters [default: 8]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from remove-member" -l jwt-secret -d 'Secret that signs access tokens (at least 32 bytes). Unset: generated in the data dir' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from remove-member" -l access-token-ttl -d 'Lifetime of access tokens, in seconds [default: 900]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from remove-member" -l refresh-token-ttl -d 'Lifetime of refresh tokens, in seconds [default: 604800]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from remove-member" -l trust-forwarded-for -d 'Trust the X-Forwarded-For header for client addresses (behind a reverse proxy)' -r -f -a "true\t''
false\t''"
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from remove-member" -l set -d 'Sets any configuration key, e.g. `--set ws.heartbeat_secs=20` (repeatable; lists as `a,b`). Overrides the flags above, the variables and the file' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from remove-member" -l yes -d 'Do not ask for confirmation'
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from remove-member" -l json -d 'Print data as JSON instead of a table'
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from remove-member" -s h -l help -d 'Print help'
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from set-role" -l config -d 'The TOML configuration file' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from set-role" -l listen -d 'Address and port to serve on [default: 127.0.0.1:7878]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from set-role" -l data-dir -d 'Where chatd keeps its state (embedded PostgreSQL, keys, attachments)' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from set-role" -l database-url -d 'An external PostgreSQL, e.g. `postgres://chatd:pw@db/chatd`. Unset: embedded' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from set-role" -l database-max-connections -d 'Largest number of PostgreSQL connections in the pool [default: 20]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from set-role" -l redis-url -d 'Redis for fan-out between nodes, e.g. `redis://127.0.0.1:6379`. Unset: single node' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from set-role" -l postgres-bin-dir -d 'Directory of the PostgreSQL binaries for the embedded database' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from set-role" -l postgres-user -d 'System user that runs the embedded PostgreSQL when chatd runs as root [default: postgres]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from set-role" -l log-format -d 'Log format: human or json [default: human]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from set-role" -l log-level -d 'Log filter, e.g. info or chatd=debug,info [default: info]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from set-role" -l registration -d 'Who may register: open, invite or closed [default: open]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from set-role" -l password-min-length -d 'Shortest accepted password, in characters [default: 8]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from set-role" -l jwt-secret -d 'Secret that signs access tokens (at least 32 bytes). Unset: generated in the data dir' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from set-role" -l access-token-ttl -d 'Lifetime of access tokens, in seconds [default: 900]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from set-role" -l refresh-token-ttl -d 'Lifetime of refresh tokens, in seconds [default: 604800]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from set-role" -l trust-forwarded-for -d 'Trust the X-Forwarded-For header for client addresses (behind a reverse proxy)' -r -f -a "true\t''
false\t''"
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from set-role" -l set -d 'Sets any configuration key, e.g. `--set ws.heartbeat_secs=20` (repeatable; lists as `a,b`). Overrides the flags above, the variables and the file' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from set-role" -l json -d 'Print data as JSON instead of a table'
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from set-role" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from rename" -l name -d 'The new name' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from rename" -l slug -d 'The new slug; `""` removes it' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from rename" -l config -d 'The TOML configuration file' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from rename" -l listen -d 'Address and port to serve on [default: 127.0.0.1:7878]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from rename" -l data-dir -d 'Where chatd keeps its state (embedded PostgreSQL, keys, attachments)' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from rename" -l database-url -d 'An external PostgreSQL, e.g. `postgres://chatd:pw@db/chatd`. Unset: embedded' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from rename" -l database-max-connections -d 'Largest number of PostgreSQL connections in the pool [default: 20]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from rename" -l redis-url -d 'Redis for fan-out between nodes, e.g. `redis://127.0.0.1:6379`. Unset: single node' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from rename" -l postgres-bin-dir -d 'Directory of the PostgreSQL binaries for the embedded database' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from rename" -l postgres-user -d 'System user that runs the embedded PostgreSQL when chatd runs as root [default: postgres]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from rename" -l log-format -d 'Log format: human or json [default: human]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from rename" -l log-level -d 'Log filter, e.g. info or chatd=debug,info [default: info]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from rename" -l registration -d 'Who may register: open, invite or closed [default: open]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from rename" -l password-min-length -d 'Shortest accepted password, in characters [default: 8]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from rename" -l jwt-secret -d 'Secret that signs access tokens (at least 32 bytes). Unset: generated in the data dir' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from rename" -l access-token-ttl -d 'Lifetime of access tokens, in seconds [default: 900]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from rename" -l refresh-token-ttl -d 'Lifetime of refresh tokens, in seconds [default: 604800]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from rename" -l trust-forwarded-for -d 'Trust the X-Forwarded-For header for client addresses (behind a reverse proxy)' -r -f -a "true\t''
false\t''"
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from rename" -l set -d 'Sets any configuration key, e.g. `--set ws.heartbeat_secs=20` (repeatable; lists as `a,b`). Overrides the flags above, the variables and the file' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from rename" -l json -d 'Print data as JSON instead of a table'
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from rename" -s h -l help -d 'Print help'
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from transfer" -l config -d 'The TOML configuration file' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from transfer" -l listen -d 'Address and port to serve on [default: 127.0.0.1:7878]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from transfer" -l data-dir -d 'Where chatd keeps its state (embedded PostgreSQL, keys, attachments)' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from transfer" -l database-url -d 'An external PostgreSQL, e.g. `postgres://chatd:pw@db/chatd`. Unset: embedded' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from transfer" -l database-max-connections -d 'Largest number of PostgreSQL connections in the pool [default: 20]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from transfer" -l redis-url -d 'Redis for fan-out between nodes, e.g. `redis://127.0.0.1:6379`. Unset: single node' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from transfer" -l postgres-bin-dir -d 'Directory of the PostgreSQL binaries for the embedded database' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from transfer" -l postgres-user -d 'System user that runs the embedded PostgreSQL when chatd runs as root [default: postgres]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from transfer" -l log-format -d 'Log format: human or json [default: human]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from transfer" -l log-level -d 'Log filter, e.g. info or chatd=debug,info [default: info]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from transfer" -l registration -d 'Who may register: open, invite or closed [default: open]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from transfer" -l password-min-length -d 'Shortest accepted password, in characters [default: 8]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from transfer" -l jwt-secret -d 'Secret that signs access tokens (at least 32 bytes). Unset: generated in the data dir' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from transfer" -l access-token-ttl -d 'Lifetime of access tokens, in seconds [default: 900]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from transfer" -l refresh-token-ttl -d 'Lifetime of refresh tokens, in seconds [default: 604800]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from transfer" -l trust-forwarded-for -d 'Trust the X-Forwarded-For header for client addresses (behind a reverse proxy)' -r -f -a "true\t''
false\t''"
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from transfer" -l set -d 'Sets any configuration key, e.g. `--set ws.heartbeat_secs=20` (repeatable; lists as `a,b`). Overrides the flags above, the variables and the file' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from transfer" -l yes -d 'Do not ask for confirmation'
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from transfer" -l json -d 'Print data as JSON instead of a table'
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from transfer" -s h -l help -d 'Print help'
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from delete" -l config -d 'The TOML configuration file' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from delete" -l listen -d 'Address and port to serve on [default: 127.0.0.1:7878]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from delete" -l data-dir -d 'Where chatd keeps its state (embedded PostgreSQL, keys, attachments)' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from delete" -l database-url -d 'An external PostgreSQL, e.g. `postgres://chatd:pw@db/chatd`. Unset: embedded' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from delete" -l database-max-connections -d 'Largest number of PostgreSQL connections in the pool [default: 20]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from delete" -l redis-url -d 'Redis for fan-out between nodes, e.g. `redis://127.0.0.1:6379`. Unset: single node' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from delete" -l postgres-bin-dir -d 'Directory of the PostgreSQL binaries for the embedded database' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from delete" -l postgres-user -d 'System user that runs the embedded PostgreSQL when chatd runs as root [default: postgres]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from delete" -l log-format -d 'Log format: human or json [default: human]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from delete" -l log-level -d 'Log filter, e.g. info or chatd=debug,info [default: info]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from delete" -l registration -d 'Who may register: open, invite or closed [default: open]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from delete" -l password-min-length -d 'Shortest accepted password, in characters [default: 8]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from delete" -l jwt-secret -d 'Secret that signs access tokens (at least 32 bytes). Unset: generated in the data dir' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from delete" -l access-token-ttl -d 'Lifetime of access tokens, in seconds [default: 900]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from delete" -l refresh-token-ttl -d 'Lifetime of refresh tokens, in seconds [default: 604800]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from delete" -l trust-forwarded-for -d 'Trust the X-Forwarded-For header for client addresses (behind a reverse proxy)' -r -f -a "true\t''
false\t''"
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from delete" -l set -d 'Sets any configuration key, e.g. `--set ws.heartbeat_secs=20` (repeatable; lists as `a,b`). Overrides the flags above, the variables and the file' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from delete" -l yes -d 'Do not ask for confirmation'
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from delete" -l json -d 'Print data as JSON instead of a table'
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help'
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from help" -f -a "create" -d 'Creates a group with an owner and members'
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from help" -f -a "list" -d 'Lists live groups by name'
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from help" -f -a "show" -d 'Shows a group with its members and their roles'
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from help" -f -a "add-member" -d 'Adds members (users already in are skipped)'
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from help" -f -a "remove-member" -d 'Removes a member (not the owner: transfer first, or delete the group)'
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from help" -f -a "set-role" -d 'Makes a member an admin or a plain member'
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from help" -f -a "rename" -d 'Renames a group and/or changes its slug'
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from help" -f -a "transfer" -d 'Makes a member the owner; the previous owner becomes an admin'
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Deletes a group for every member'
complete -c chatctl -n "__fish_chatctl_using_subcommand group; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c chatctl -n "__fish_chatctl_using_subcommand export" -l chat -d 'Every message of this chat (id, or a group\'s slug), by seq' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand export" -l user -d 'Every message this user sent (username or id), in any chat, by time' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand export" -s o -l output -d 'Write to this file instead of stdout (`FILE.partial` until complete)' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand export" -l since -d 'Only messages sent at or after this time (RFC 3339, or a UTC date YYYY-MM-DD)' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand export" -l until -d 'Only messages sent before this time (RFC 3339, or a UTC date YYYY-MM-DD)' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand export" -l config -d 'The TOML configuration file' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand export" -l listen -d 'Address and port to serve on [default: 127.0.0.1:7878]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand export" -l data-dir -d 'Where chatd keeps its state (embedded PostgreSQL, keys, attachments)' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand export" -l database-url -d 'An external PostgreSQL, e.g. `postgres://chatd:pw@db/chatd`. Unset: embedded' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand export" -l database-max-connections -d 'Largest number of PostgreSQL connections in the pool [default: 20]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand export" -l redis-url -d 'Redis for fan-out between nodes, e.g. `redis://127.0.0.1:6379`. Unset: single node' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand export" -l postgres-bin-dir -d 'Directory of the PostgreSQL binaries for the embedded database' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand export" -l postgres-user -d 'System user that runs the embedded PostgreSQL when chatd runs as root [default: postgres]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand export" -l log-format -d 'Log format: human or json [default: human]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand export" -l log-level -d 'Log filter, e.g. info or chatd=debug,info [default: info]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand export" -l registration -d 'Who may register: open, invite or closed [default: open]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand export" -l password-min-length -d 'Shortest accepted password, in characters [default: 8]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand export" -l jwt-secret -d 'Secret that signs access tokens (at least 32 bytes). Unset: generated in the data dir' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand export" -l access-token-ttl -d 'Lifetime of access tokens, in seconds [default: 900]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand export" -l refresh-token-ttl -d 'Lifetime of refresh tokens, in seconds [default: 604800]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand export" -l trust-forwarded-for -d 'Trust the X-Forwarded-For header for client addresses (behind a reverse proxy)' -r -f -a "true\t''
false\t''"
complete -c chatctl -n "__fish_chatctl_using_subcommand export" -l set -d 'Sets any configuration key, e.g. `--set ws.heartbeat_secs=20` (repeatable; lists as `a,b`). Overrides the flags above, the variables and the file' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand export" -l json -d 'Print data as JSON instead of a table'
complete -c chatctl -n "__fish_chatctl_using_subcommand export" -s h -l help -d 'Print help'
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and not __fish_seen_subcommand_from create verify restore list help" -l config -d 'The TOML configuration file' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and not __fish_seen_subcommand_from create verify restore list help" -l listen -d 'Address and port to serve on [default: 127.0.0.1:7878]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and not __fish_seen_subcommand_from create verify restore list help" -l data-dir -d 'Where chatd keeps its state (embedded PostgreSQL, keys, attachments)' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and not __fish_seen_subcommand_from create verify restore list help" -l database-url -d 'An external PostgreSQL, e.g. `postgres://chatd:pw@db/chatd`. Unset: embedded' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and not __fish_seen_subcommand_from create verify restore list help" -l database-max-connections -d 'Largest number of PostgreSQL connections in the pool [default: 20]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and not __fish_seen_subcommand_from create verify restore list help" -l redis-url -d 'Redis for fan-out between nodes, e.g. `redis://127.0.0.1:6379`. Unset: single node' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and not __fish_seen_subcommand_from create verify restore list help" -l postgres-bin-dir -d 'Directory of the PostgreSQL binaries for the embedded database' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and not __fish_seen_subcommand_from create verify restore list help" -l postgres-user -d 'System user that runs the embedded PostgreSQL when chatd runs as root [default: postgres]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and not __fish_seen_subcommand_from create verify restore list help" -l log-format -d 'Log format: human or json [default: human]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and not __fish_seen_subcommand_from create verify restore list help" -l log-level -d 'Log filter, e.g. info or chatd=debug,info [default: info]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and not __fish_seen_subcommand_from create verify restore list help" -l registration -d 'Who may register: open, invite or closed [default: open]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and not __fish_seen_subcommand_from create verify restore list help" -l password-min-length -d 'Shortest accepted password, in characters [default: 8]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and not __fish_seen_subcommand_from create verify restore list help" -l jwt-secret -d 'Secret that signs access tokens (at least 32 bytes). Unset: generated in the data dir' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and not __fish_seen_subcommand_from create verify restore list help" -l access-token-ttl -d 'Lifetime of access tokens, in seconds [default: 900]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and not __fish_seen_subcommand_from create verify restore list help" -l refresh-token-ttl -d 'Lifetime of refresh tokens, in seconds [default: 604800]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and not __fish_seen_subcommand_from create verify restore list help" -l trust-forwarded-for -d 'Trust the X-Forwarded-For header for client addresses (behind a reverse proxy)' -r -f -a "true\t''
false\t''"
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and not __fish_seen_subcommand_from create verify restore list help" -l set -d 'Sets any configuration key, e.g. `--set ws.heartbeat_secs=20` (repeatable; lists as `a,b`). Overrides the flags above, the variables and the file' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and not __fish_seen_subcommand_from create verify restore list help" -l json -d 'Print data as JSON instead of a table'
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and not __fish_seen_subcommand_from create verify restore list help" -s h -l help -d 'Print help'
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and not __fish_seen_subcommand_from create verify restore list help" -f -a "create" -d 'Writes one archive (database dump, attachments, manifest) while chatd keeps serving'
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and not __fish_seen_subcommand_from create verify restore list help" -f -a "verify" -d 'Checks an archive without restoring it: checksums, manifest, readable dump'
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and not __fish_seen_subcommand_from create verify restore list help" -f -a "restore" -d 'Restores an archive into an empty database, then applies pending migrations'
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and not __fish_seen_subcommand_from create verify restore list help" -f -a "list" -d 'Lists the archives of a directory, newest first; --keep N deletes the older ones'
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and not __fish_seen_subcommand_from create verify restore list help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from create" -s o -l output -d 'The archive to write; a directory gets `chatd-<UTC time>.tar` inside it' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from create" -l config -d 'The TOML configuration file' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from create" -l listen -d 'Address and port to serve on [default: 127.0.0.1:7878]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from create" -l data-dir -d 'Where chatd keeps its state (embedded PostgreSQL, keys, attachments)' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from create" -l database-url -d 'An external PostgreSQL, e.g. `postgres://chatd:pw@db/chatd`. Unset: embedded' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from create" -l database-max-connections -d 'Largest number of PostgreSQL connections in the pool [default: 20]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from create" -l redis-url -d 'Redis for fan-out between nodes, e.g. `redis://127.0.0.1:6379`. Unset: single node' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from create" -l postgres-bin-dir -d 'Directory of the PostgreSQL binaries for the embedded database' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from create" -l postgres-user -d 'System user that runs the embedded PostgreSQL when chatd runs as root [default: postgres]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from create" -l log-format -d 'Log format: human or json [default: human]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from create" -l log-level -d 'Log filter, e.g. info or chatd=debug,info [default: info]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from create" -l registration -d 'Who may register: open, invite or closed [default: open]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from create" -l password-min-length -d 'Shortest accepted password, in characters [default: 8]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from create" -l jwt-secret -d 'Secret that signs access tokens (at least 32 bytes). Unset: generated in the data dir' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from create" -l access-token-ttl -d 'Lifetime of access tokens, in seconds [default: 900]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from create" -l refresh-token-ttl -d 'Lifetime of refresh tokens, in seconds [default: 604800]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from create" -l trust-forwarded-for -d 'Trust the X-Forwarded-For header for client addresses (behind a reverse proxy)' -r -f -a "true\t''
false\t''"
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from create" -l set -d 'Sets any configuration key, e.g. `--set ws.heartbeat_secs=20` (repeatable; lists as `a,b`). Overrides the flags above, the variables and the file' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from create" -l json -d 'Print data as JSON instead of a table'
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from verify" -l config -d 'The TOML configuration file' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from verify" -l listen -d 'Address and port to serve on [default: 127.0.0.1:7878]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from verify" -l data-dir -d 'Where chatd keeps its state (embedded PostgreSQL, keys, attachments)' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from verify" -l database-url -d 'An external PostgreSQL, e.g. `postgres://chatd:pw@db/chatd`. Unset: embedded' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from verify" -l database-max-connections -d 'Largest number of PostgreSQL connections in the pool [default: 20]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from verify" -l redis-url -d 'Redis for fan-out between nodes, e.g. `redis://127.0.0.1:6379`. Unset: single node' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from verify" -l postgres-bin-dir -d 'Directory of the PostgreSQL binaries for the embedded database' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from verify" -l postgres-user -d 'System user that runs the embedded PostgreSQL when chatd runs as root [default: postgres]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from verify" -l log-format -d 'Log format: human or json [default: human]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from verify" -l log-level -d 'Log filter, e.g. info or chatd=debug,info [default: info]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from verify" -l registration -d 'Who may register: open, invite or closed [default: open]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from verify" -l password-min-length -d 'Shortest accepted password, in characters [default: 8]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from verify" -l jwt-secret -d 'Secret that signs access tokens (at least 32 bytes). Unset: generated in the data dir' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from verify" -l access-token-ttl -d 'Lifetime of access tokens, in seconds [default: 900]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from verify" -l refresh-token-ttl -d 'Lifetime of refresh tokens, in seconds [default: 604800]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from verify" -l trust-forwarded-for -d 'Trust the X-Forwarded-For header for client addresses (behind a reverse proxy)' -r -f -a "true\t''
false\t''"
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from verify" -l set -d 'Sets any configuration key, e.g. `--set ws.heartbeat_secs=20` (repeatable; lists as `a,b`). Overrides the flags above, the variables and the file' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from verify" -l json -d 'Print data as JSON instead of a table'
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from verify" -s h -l help -d 'Print help'
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from restore" -l config -d 'The TOML configuration file' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from restore" -l listen -d 'Address and port to serve on [default: 127.0.0.1:7878]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from restore" -l data-dir -d 'Where chatd keeps its state (embedded PostgreSQL, keys, attachments)' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from restore" -l database-url -d 'An external PostgreSQL, e.g. `postgres://chatd:pw@db/chatd`. Unset: embedded' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from restore" -l database-max-connections -d 'Largest number of PostgreSQL connections in the pool [default: 20]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from restore" -l redis-url -d 'Redis for fan-out between nodes, e.g. `redis://127.0.0.1:6379`. Unset: single node' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from restore" -l postgres-bin-dir -d 'Directory of the PostgreSQL binaries for the embedded database' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from restore" -l postgres-user -d 'System user that runs the embedded PostgreSQL when chatd runs as root [default: postgres]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from restore" -l log-format -d 'Log format: human or json [default: human]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from restore" -l log-level -d 'Log filter, e.g. info or chatd=debug,info [default: info]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from restore" -l registration -d 'Who may register: open, invite or closed [default: open]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from restore" -l password-min-length -d 'Shortest accepted password, in characters [default: 8]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from restore" -l jwt-secret -d 'Secret that signs access tokens (at least 32 bytes). Unset: generated in the data dir' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from restore" -l access-token-ttl -d 'Lifetime of access tokens, in seconds [default: 900]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from restore" -l refresh-token-ttl -d 'Lifetime of refresh tokens, in seconds [default: 604800]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from restore" -l trust-forwarded-for -d 'Trust the X-Forwarded-For header for client addresses (behind a reverse proxy)' -r -f -a "true\t''
false\t''"
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from restore" -l set -d 'Sets any configuration key, e.g. `--set ws.heartbeat_secs=20` (repeatable; lists as `a,b`). Overrides the flags above, the variables and the file' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from restore" -l force -d 'Restore over a database that already holds data (its objects are replaced)'
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from restore" -l json -d 'Print data as JSON instead of a table'
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from restore" -s h -l help -d 'Print help'
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from list" -l keep -d 'Keep the newest N archives and delete the rest' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from list" -l config -d 'The TOML configuration file' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from list" -l listen -d 'Address and port to serve on [default: 127.0.0.1:7878]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from list" -l data-dir -d 'Where chatd keeps its state (embedded PostgreSQL, keys, attachments)' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from list" -l database-url -d 'An external PostgreSQL, e.g. `postgres://chatd:pw@db/chatd`. Unset: embedded' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from list" -l database-max-connections -d 'Largest number of PostgreSQL connections in the pool [default: 20]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from list" -l redis-url -d 'Redis for fan-out between nodes, e.g. `redis://127.0.0.1:6379`. Unset: single node' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from list" -l postgres-bin-dir -d 'Directory of the PostgreSQL binaries for the embedded database' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from list" -l postgres-user -d 'System user that runs the embedded PostgreSQL when chatd runs as root [default: postgres]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from list" -l log-format -d 'Log format: human or json [default: human]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from list" -l log-level -d 'Log filter, e.g. info or chatd=debug,info [default: info]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from list" -l registration -d 'Who may register: open, invite or closed [default: open]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from list" -l password-min-length -d 'Shortest accepted password, in characters [default: 8]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from list" -l jwt-secret -d 'Secret that signs access tokens (at least 32 bytes). Unset: generated in the data dir' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from list" -l access-token-ttl -d 'Lifetime of access tokens, in seconds [default: 900]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from list" -l refresh-token-ttl -d 'Lifetime of refresh tokens, in seconds [default: 604800]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from list" -l trust-forwarded-for -d 'Trust the X-Forwarded-For header for client addresses (behind a reverse proxy)' -r -f -a "true\t''
false\t''"
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from list" -l set -d 'Sets any configuration key, e.g. `--set ws.heartbeat_secs=20` (repeatable; lists as `a,b`). Overrides the flags above, the variables and the file' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from list" -l yes -d 'Do not ask before deleting'
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from list" -l json -d 'Print data as JSON instead of a table'
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from help" -f -a "create" -d 'Writes one archive (database dump, attachments, manifest) while chatd keeps serving'
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from help" -f -a "verify" -d 'Checks an archive without restoring it: checksums, manifest, readable dump'
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from help" -f -a "restore" -d 'Restores an archive into an empty database, then applies pending migrations'
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from help" -f -a "list" -d 'Lists the archives of a directory, newest first; --keep N deletes the older ones'
complete -c chatctl -n "__fish_chatctl_using_subcommand backup; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c chatctl -n "__fish_chatctl_using_subcommand stats" -l config -d 'The TOML configuration file' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand stats" -l listen -d 'Address and port to serve on [default: 127.0.0.1:7878]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand stats" -l data-dir -d 'Where chatd keeps its state (embedded PostgreSQL, keys, attachments)' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand stats" -l database-url -d 'An external PostgreSQL, e.g. `postgres://chatd:pw@db/chatd`. Unset: embedded' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand stats" -l database-max-connections -d 'Largest number of PostgreSQL connections in the pool [default: 20]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand stats" -l redis-url -d 'Redis for fan-out between nodes, e.g. `redis://127.0.0.1:6379`. Unset: single node' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand stats" -l postgres-bin-dir -d 'Directory of the PostgreSQL binaries for the embedded database' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand stats" -l postgres-user -d 'System user that runs the embedded PostgreSQL when chatd runs as root [default: postgres]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand stats" -l log-format -d 'Log format: human or json [default: human]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand stats" -l log-level -d 'Log filter, e.g. info or chatd=debug,info [default: info]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand stats" -l registration -d 'Who may register: open, invite or closed [default: open]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand stats" -l password-min-length -d 'Shortest accepted password, in characters [default: 8]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand stats" -l jwt-secret -d 'Secret that signs access tokens (at least 32 bytes). Unset: generated in the data dir' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand stats" -l access-token-ttl -d 'Lifetime of access tokens, in seconds [default: 900]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand stats" -l refresh-token-ttl -d 'Lifetime of refresh tokens, in seconds [default: 604800]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand stats" -l trust-forwarded-for -d 'Trust the X-Forwarded-For header for client addresses (behind a reverse proxy)' -r -f -a "true\t''
false\t''"
complete -c chatctl -n "__fish_chatctl_using_subcommand stats" -l set -d 'Sets any configuration key, e.g. `--set ws.heartbeat_secs=20` (repeatable; lists as `a,b`). Overrides the flags above, the variables and the file' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand stats" -l json -d 'Print data as JSON instead of a table'
complete -c chatctl -n "__fish_chatctl_using_subcommand stats" -s h -l help -d 'Print help'
complete -c chatctl -n "__fish_chatctl_using_subcommand doctor" -l config -d 'The TOML configuration file' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand doctor" -l listen -d 'Address and port to serve on [default: 127.0.0.1:7878]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand doctor" -l data-dir -d 'Where chatd keeps its state (embedded PostgreSQL, keys, attachments)' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand doctor" -l database-url -d 'An external PostgreSQL, e.g. `postgres://chatd:pw@db/chatd`. Unset: embedded' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand doctor" -l database-max-connections -d 'Largest number of PostgreSQL connections in the pool [default: 20]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand doctor" -l redis-url -d 'Redis for fan-out between nodes, e.g. `redis://127.0.0.1:6379`. Unset: single node' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand doctor" -l postgres-bin-dir -d 'Directory of the PostgreSQL binaries for the embedded database' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand doctor" -l postgres-user -d 'System user that runs the embedded PostgreSQL when chatd runs as root [default: postgres]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand doctor" -l log-format -d 'Log format: human or json [default: human]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand doctor" -l log-level -d 'Log filter, e.g. info or chatd=debug,info [default: info]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand doctor" -l registration -d 'Who may register: open, invite or closed [default: open]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand doctor" -l password-min-length -d 'Shortest accepted password, in characters [default: 8]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand doctor" -l jwt-secret -d 'Secret that signs access tokens (at least 32 bytes). Unset: generated in the data dir' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand doctor" -l access-token-ttl -d 'Lifetime of access tokens, in seconds [default: 900]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand doctor" -l refresh-token-ttl -d 'Lifetime of refresh tokens, in seconds [default: 604800]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand doctor" -l trust-forwarded-for -d 'Trust the X-Forwarded-For header for client addresses (behind a reverse proxy)' -r -f -a "true\t''
false\t''"
complete -c chatctl -n "__fish_chatctl_using_subcommand doctor" -l set -d 'Sets any configuration key, e.g. `--set ws.heartbeat_secs=20` (repeatable; lists as `a,b`). Overrides the flags above, the variables and the file' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand doctor" -l json -d 'Print data as JSON instead of a table'
complete -c chatctl -n "__fish_chatctl_using_subcommand doctor" -s h -l help -d 'Print help'
complete -c chatctl -n "__fish_chatctl_using_subcommand bench" -l server -d 'The chatd to drive, or a comma-separated list of nodes (users are spread over them round-robin: their sockets and their sends)' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand bench" -l users -d 'Users, all connected' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand bench" -l direct -d 'Direct chats between random pairs' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand bench" -l groups -d 'Groups of random members' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand bench" -l group-size -d 'Members per group' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand bench" -l rate -d 'Open loop: messages per second over all chats (random chat, random member)' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand bench" -l in-flight -d 'Closed loop instead: sends each sender keeps in flight (send, wait for the ack, send)' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand bench" -l senders -d 'Closed loop: senders per chat (its first members)' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand bench" -l duration -d 'Seconds of sending' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand bench" -l size -d 'Message size in bytes' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand bench" -l connect-concurrency -d 'Connections opened at once while connecting' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand bench" -l connect-rate -d 'Connections started per second, on a fixed schedule whatever the server\'s pace (an open loop, for the `hello` latency at a given connect rate); 0 starts them as fast as `--connect-concurrency` allows' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand bench" -l server-pid -d 'chatd\'s process id, to report its CPU and memory (same machine only)' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand bench" -l gap-wait-ms -d 'Milliseconds a client lets a seq gap stay open (its missing events may still come live) before it sends `sync` for that chat; 0 syncs at once (protocol.md\'s rule)' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand bench" -l chats-per-user -d 'Reconnect storm: chats each user is in' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand bench" -l history -d 'Reconnect storm: messages of history per chat' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand bench" -l storm-senders -d 'Reconnect storm: users that keep posting while the others reconnect' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand bench" -l restart-cmd -d 'Reconnect storm: a shell command that restarts the node, run instead of dropping the sockets (the clients then reconnect as soon as the node answers)' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand bench" -l search-messages -d 'Search mode: messages to fill (spread evenly over the groups)' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand bench" -l search-chats -d 'Search mode: groups to fill' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand bench" -l search-member-of -d 'Search mode: groups the searching user is a member of' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand bench" -l search-queries -d 'Search mode: queries to time (one at a time)' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand bench" -l config -d 'The TOML configuration file' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand bench" -l listen -d 'Address and port to serve on [default: 127.0.0.1:7878]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand bench" -l data-dir -d 'Where chatd keeps its state (embedded PostgreSQL, keys, attachments)' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand bench" -l database-url -d 'An external PostgreSQL, e.g. `postgres://chatd:pw@db/chatd`. Unset: embedded' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand bench" -l database-max-connections -d 'Largest number of PostgreSQL connections in the pool [default: 20]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand bench" -l redis-url -d 'Redis for fan-out between nodes, e.g. `redis://127.0.0.1:6379`. Unset: single node' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand bench" -l postgres-bin-dir -d 'Directory of the PostgreSQL binaries for the embedded database' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand bench" -l postgres-user -d 'System user that runs the embedded PostgreSQL when chatd runs as root [default: postgres]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand bench" -l log-format -d 'Log format: human or json [default: human]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand bench" -l log-level -d 'Log filter, e.g. info or chatd=debug,info [default: info]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand bench" -l registration -d 'Who may register: open, invite or closed [default: open]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand bench" -l password-min-length -d 'Shortest accepted password, in characters [default: 8]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand bench" -l jwt-secret -d 'Secret that signs access tokens (at least 32 bytes). Unset: generated in the data dir' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand bench" -l access-token-ttl -d 'Lifetime of access tokens, in seconds [default: 900]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand bench" -l refresh-token-ttl -d 'Lifetime of refresh tokens, in seconds [default: 604800]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand bench" -l trust-forwarded-for -d 'Trust the X-Forwarded-For header for client addresses (behind a reverse proxy)' -r -f -a "true\t''
false\t''"
complete -c chatctl -n "__fish_chatctl_using_subcommand bench" -l set -d 'Sets any configuration key, e.g. `--set ws.heartbeat_secs=20` (repeatable; lists as `a,b`). Overrides the flags above, the variables and the file' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand bench" -l reconnect-storm -d 'Reconnect storm instead: `--users` users, each in `--chats-per-user` groups with `--history` messages each, all on the first `--server`; every socket is dropped at once (or the node restarted with `--restart-cmd`) and the bench measures the time until every client has reconnected and resynced'
complete -c chatctl -n "__fish_chatctl_using_subcommand bench" -l search -d 'Search instead: fill messages over groups through the store, index them, and measure `GET /api/messages/search` for a user in some of the groups'
complete -c chatctl -n "__fish_chatctl_using_subcommand bench" -l json -d 'Print data as JSON instead of a table'
complete -c chatctl -n "__fish_chatctl_using_subcommand bench" -s h -l help -d 'Print help'
complete -c chatctl -n "__fish_chatctl_using_subcommand email; and not __fish_seen_subcommand_from test help" -l config -d 'The TOML configuration file' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand email; and not __fish_seen_subcommand_from test help" -l listen -d 'Address and port to serve on [default: 127.0.0.1:7878]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand email; and not __fish_seen_subcommand_from test help" -l data-dir -d 'Where chatd keeps its state (embedded PostgreSQL, keys, attachments)' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand email; and not __fish_seen_subcommand_from test help" -l database-url -d 'An external PostgreSQL, e.g. `postgres://chatd:pw@db/chatd`. Unset: embedded' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand email; and not __fish_seen_subcommand_from test help" -l database-max-connections -d 'Largest number of PostgreSQL connections in the pool [default: 20]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand email; and not __fish_seen_subcommand_from test help" -l redis-url -d 'Redis for fan-out between nodes, e.g. `redis://127.0.0.1:6379`. Unset: single node' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand email; and not __fish_seen_subcommand_from test help" -l postgres-bin-dir -d 'Directory of the PostgreSQL binaries for the embedded database' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand email; and not __fish_seen_subcommand_from test help" -l postgres-user -d 'System user that runs the embedded PostgreSQL when chatd runs as root [default: postgres]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand email; and not __fish_seen_subcommand_from test help" -l log-format -d 'Log format: human or json [default: human]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand email; and not __fish_seen_subcommand_from test help" -l log-level -d 'Log filter, e.g. info or chatd=debug,info [default: info]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand email; and not __fish_seen_subcommand_from test help" -l registration -d 'Who may register: open, invite or closed [default: open]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand email; and not __fish_seen_subcommand_from test help" -l password-min-length -d 'Shortest accepted password, in characters [default: 8]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand email; and not __fish_seen_subcommand_from test help" -l jwt-secret -d 'Secret that signs access tokens (at least 32 bytes). Unset: generated in the data dir' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand email; and not __fish_seen_subcommand_from test help" -l access-token-ttl -d 'Lifetime of access tokens, in seconds [default: 900]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand email; and not __fish_seen_subcommand_from test help" -l refresh-token-ttl -d 'Lifetime of refresh tokens, in seconds [default: 604800]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand email; and not __fish_seen_subcommand_from test help" -l trust-forwarded-for -d 'Trust the X-Forwarded-For header for client addresses (behind a reverse proxy)' -r -f -a "true\t''
false\t''"
complete -c chatctl -n "__fish_chatctl_using_subcommand email; and not __fish_seen_subcommand_from test help" -l set -d 'Sets any configuration key, e.g. `--set ws.heartbeat_secs=20` (repeatable; lists as `a,b`). Overrides the flags above, the variables and the file' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand email; and not __fish_seen_subcommand_from test help" -l json -d 'Print data as JSON instead of a table'
complete -c chatctl -n "__fish_chatctl_using_subcommand email; and not __fish_seen_subcommand_from test help" -s h -l help -d 'Print help'
complete -c chatctl -n "__fish_chatctl_using_subcommand email; and not __fish_seen_subcommand_from test help" -f -a "test" -d 'Sends a test mail to ADDRESS through the configured SMTP server ([email]) at once, not through chatd\'s queue, and says what the server answered'
complete -c chatctl -n "__fish_chatctl_using_subcommand email; and not __fish_seen_subcommand_from test help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c chatctl -n "__fish_chatctl_using_subcommand email; and __fish_seen_subcommand_from test" -l config -d 'The TOML configuration file' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand email; and __fish_seen_subcommand_from test" -l listen -d 'Address and port to serve on [default: 127.0.0.1:7878]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand email; and __fish_seen_subcommand_from test" -l data-dir -d 'Where chatd keeps its state (embedded PostgreSQL, keys, attachments)' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand email; and __fish_seen_subcommand_from test" -l database-url -d 'An external PostgreSQL, e.g. `postgres://chatd:pw@db/chatd`. Unset: embedded' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand email; and __fish_seen_subcommand_from test" -l database-max-connections -d 'Largest number of PostgreSQL connections in the pool [default: 20]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand email; and __fish_seen_subcommand_from test" -l redis-url -d 'Redis for fan-out between nodes, e.g. `redis://127.0.0.1:6379`. Unset: single node' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand email; and __fish_seen_subcommand_from test" -l postgres-bin-dir -d 'Directory of the PostgreSQL binaries for the embedded database' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand email; and __fish_seen_subcommand_from test" -l postgres-user -d 'System user that runs the embedded PostgreSQL when chatd runs as root [default: postgres]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand email; and __fish_seen_subcommand_from test" -l log-format -d 'Log format: human or json [default: human]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand email; and __fish_seen_subcommand_from test" -l log-level -d 'Log filter, e.g. info or chatd=debug,info [default: info]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand email; and __fish_seen_subcommand_from test" -l registration -d 'Who may register: open, invite or closed [default: open]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand email; and __fish_seen_subcommand_from test" -l password-min-length -d 'Shortest accepted password, in characters [default: 8]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand email; and __fish_seen_subcommand_from test" -l jwt-secret -d 'Secret that signs access tokens (at least 32 bytes). Unset: generated in the data dir' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand email; and __fish_seen_subcommand_from test" -l access-token-ttl -d 'Lifetime of access tokens, in seconds [default: 900]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand email; and __fish_seen_subcommand_from test" -l refresh-token-ttl -d 'Lifetime of refresh tokens, in seconds [default: 604800]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand email; and __fish_seen_subcommand_from test" -l trust-forwarded-for -d 'Trust the X-Forwarded-For header for client addresses (behind a reverse proxy)' -r -f -a "true\t''
false\t''"
complete -c chatctl -n "__fish_chatctl_using_subcommand email; and __fish_seen_subcommand_from test" -l set -d 'Sets any configuration key, e.g. `--set ws.heartbeat_secs=20` (repeatable; lists as `a,b`). Overrides the flags above, the variables and the file' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand email; and __fish_seen_subcommand_from test" -l json -d 'Print data as JSON instead of a table'
complete -c chatctl -n "__fish_chatctl_using_subcommand email; and __fish_seen_subcommand_from test" -s h -l help -d 'Print help'
complete -c chatctl -n "__fish_chatctl_using_subcommand email; and __fish_seen_subcommand_from help" -f -a "test" -d 'Sends a test mail to ADDRESS through the configured SMTP server ([email]) at once, not through chatd\'s queue, and says what the server answered'
complete -c chatctl -n "__fish_chatctl_using_subcommand email; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c chatctl -n "__fish_chatctl_using_subcommand retention; and not __fish_seen_subcommand_from status run help" -l config -d 'The TOML configuration file' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand retention; and not __fish_seen_subcommand_from status run help" -l listen -d 'Address and port to serve on [default: 127.0.0.1:7878]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand retention; and not __fish_seen_subcommand_from status run help" -l data-dir -d 'Where chatd keeps its state (embedded PostgreSQL, keys, attachments)' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand retention; and not __fish_seen_subcommand_from status run help" -l database-url -d 'An external PostgreSQL, e.g. `postgres://chatd:pw@db/chatd`. Unset: embedded' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand retention; and not __fish_seen_subcommand_from status run help" -l database-max-connections -d 'Largest number of PostgreSQL connections in the pool [default: 20]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand retention; and not __fish_seen_subcommand_from status run help" -l redis-url -d 'Redis for fan-out between nodes, e.g. `redis://127.0.0.1:6379`. Unset: single node' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand retention; and not __fish_seen_subcommand_from status run help" -l postgres-bin-dir -d 'Directory of the PostgreSQL binaries for the embedded database' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand retention; and not __fish_seen_subcommand_from status run help" -l postgres-user -d 'System user that runs the embedded PostgreSQL when chatd runs as root [default: postgres]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand retention; and not __fish_seen_subcommand_from status run help" -l log-format -d 'Log format: human or json [default: human]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand retention; and not __fish_seen_subcommand_from status run help" -l log-level -d 'Log filter, e.g. info or chatd=debug,info [default: info]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand retention; and not __fish_seen_subcommand_from status run help" -l registration -d 'Who may register: open, invite or closed [default: open]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand retention; and not __fish_seen_subcommand_from status run help" -l password-min-length -d 'Shortest accepted password, in characters [default: 8]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand retention; and not __fish_seen_subcommand_from status run help" -l jwt-secret -d 'Secret that signs access tokens (at least 32 bytes). Unset: generated in the data dir' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand retention; and not __fish_seen_subcommand_from status run help" -l access-token-ttl -d 'Lifetime of access tokens, in seconds [default: 900]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand retention; and not __fish_seen_subcommand_from status run help" -l refresh-token-ttl -d 'Lifetime of refresh tokens, in seconds [default: 604800]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand retention; and not __fish_seen_subcommand_from status run help" -l trust-forwarded-for -d 'Trust the X-Forwarded-For header for client addresses (behind a reverse proxy)' -r -f -a "true\t''
false\t''"
complete -c chatctl -n "__fish_chatctl_using_subcommand retention; and not __fish_seen_subcommand_from status run help" -l set -d 'Sets any configuration key, e.g. `--set ws.heartbeat_secs=20` (repeatable; lists as `a,b`). Overrides the flags above, the variables and the file' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand retention; and not __fish_seen_subcommand_from status run help" -l json -d 'Print data as JSON instead of a table'
complete -c chatctl -n "__fish_chatctl_using_subcommand retention; and not __fish_seen_subcommand_from status run help" -s h -l help -d 'Print help'
complete -c chatctl -n "__fish_chatctl_using_subcommand retention; and not __fish_seen_subcommand_from status run help" -f -a "status" -d 'The policy ([retention] and groups with their own), the age of the oldest message that still has content, and how many messages are due'
complete -c chatctl -n "__fish_chatctl_using_subcommand retention; and not __fish_seen_subcommand_from status run help" -f -a "run" -d 'Runs one pruning pass now, in the same batches as chatd\'s job (which waits while it runs), and prints what it pruned. Connected clients hear it through Redis'
complete -c chatctl -n "__fish_chatctl_using_subcommand retention; and not __fish_seen_subcommand_from status run help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c chatctl -n "__fish_chatctl_using_subcommand retention; and __fish_seen_subcommand_from status" -l config -d 'The TOML configuration file' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand retention; and __fish_seen_subcommand_from status" -l listen -d 'Address and port to serve on [default: 127.0.0.1:7878]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand retention; and __fish_seen_subcommand_from status" -l data-dir -d 'Where chatd keeps its state (embedded PostgreSQL, keys, attachments)' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand retention; and __fish_seen_subcommand_from status" -l database-url -d 'An external PostgreSQL, e.g. `postgres://chatd:pw@db/chatd`. Unset: embedded' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand retention; and __fish_seen_subcommand_from status" -l database-max-connections -d 'Largest number of PostgreSQL connections in the pool [default: 20]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand retention; and __fish_seen_subcommand_from status" -l redis-url -d 'Redis for fan-out between nodes, e.g. `redis://127.0.0.1:6379`. Unset: single node' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand retention; and __fish_seen_subcommand_from status" -l postgres-bin-dir -d 'Directory of the PostgreSQL binaries for the embedded database' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand retention; and __fish_seen_subcommand_from status" -l postgres-user -d 'System user that runs the embedded PostgreSQL when chatd runs as root [default: postgres]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand retention; and __fish_seen_subcommand_from status" -l log-format -d 'Log format: human or json [default: human]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand retention; and __fish_seen_subcommand_from status" -l log-level -d 'Log filter, e.g. info or chatd=debug,info [default: info]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand retention; and __fish_seen_subcommand_from status" -l registration -d 'Who may register: open, invite or closed [default: open]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand retention; and __fish_seen_subcommand_from status" -l password-min-length -d 'Shortest accepted password, in characters [default: 8]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand retention; and __fish_seen_subcommand_from status" -l jwt-secret -d 'Secret that signs access tokens (at least 32 bytes). Unset: generated in the data dir' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand retention; and __fish_seen_subcommand_from status" -l access-token-ttl -d 'Lifetime of access tokens, in seconds [default: 900]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand retention; and __fish_seen_subcommand_from status" -l refresh-token-ttl -d 'Lifetime of refresh tokens, in seconds [default: 604800]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand retention; and __fish_seen_subcommand_from status" -l trust-forwarded-for -d 'Trust the X-Forwarded-For header for client addresses (behind a reverse proxy)' -r -f -a "true\t''
false\t''"
complete -c chatctl -n "__fish_chatctl_using_subcommand retention; and __fish_seen_subcommand_from status" -l set -d 'Sets any configuration key, e.g. `--set ws.heartbeat_secs=20` (repeatable; lists as `a,b`). Overrides the flags above, the variables and the file' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand retention; and __fish_seen_subcommand_from status" -l json -d 'Print data as JSON instead of a table'
complete -c chatctl -n "__fish_chatctl_using_subcommand retention; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help'
complete -c chatctl -n "__fish_chatctl_using_subcommand retention; and __fish_seen_subcommand_from run" -l config -d 'The TOML configuration file' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand retention; and __fish_seen_subcommand_from run" -l listen -d 'Address and port to serve on [default: 127.0.0.1:7878]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand retention; and __fish_seen_subcommand_from run" -l data-dir -d 'Where chatd keeps its state (embedded PostgreSQL, keys, attachments)' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand retention; and __fish_seen_subcommand_from run" -l database-url -d 'An external PostgreSQL, e.g. `postgres://chatd:pw@db/chatd`. Unset: embedded' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand retention; and __fish_seen_subcommand_from run" -l database-max-connections -d 'Largest number of PostgreSQL connections in the pool [default: 20]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand retention; and __fish_seen_subcommand_from run" -l redis-url -d 'Redis for fan-out between nodes, e.g. `redis://127.0.0.1:6379`. Unset: single node' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand retention; and __fish_seen_subcommand_from run" -l postgres-bin-dir -d 'Directory of the PostgreSQL binaries for the embedded database' -r -F
complete -c chatctl -n "__fish_chatctl_using_subcommand retention; and __fish_seen_subcommand_from run" -l postgres-user -d 'System user that runs the embedded PostgreSQL when chatd runs as root [default: postgres]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand retention; and __fish_seen_subcommand_from run" -l log-format -d 'Log format: human or json [default: human]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand retention; and __fish_seen_subcommand_from run" -l log-level -d 'Log filter, e.g. info or chatd=debug,info [default: info]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand retention; and __fish_seen_subcommand_from run" -l registration -d 'Who may register: open, invite or closed [default: open]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand retention; and __fish_seen_subcommand_from run" -l password-min-length -d 'Shortest accepted password, in characters [default: 8]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand retention; and __fish_seen_subcommand_from run" -l jwt-secret -d 'Secret that signs access tokens (at least 32 bytes). Unset: generated in the data dir' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand retention; and __fish_seen_subcommand_from run" -l access-token-ttl -d 'Lifetime of access tokens, in seconds [default: 900]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand retention; and __fish_seen_subcommand_from run" -l refresh-token-ttl -d 'Lifetime of refresh tokens, in seconds [default: 604800]' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand retention; and __fish_seen_subcommand_from run" -l trust-forwarded-for -d 'Trust the X-Forwarded-For header for client addresses (behind a reverse proxy)' -r -f -a "true\t''
false\t''"
complete -c chatctl -n "__fish_chatctl_using_subcommand retention; and __fish_seen_subcommand_from run" -l set -d 'Sets any configuration key, e.g. `--set ws.heartbeat_secs=20` (repeatable; lists as `a,b`). Overrides the flags above, the variables and the file' -r
complete -c chatctl -n "__fish_chatctl_using_subcommand retention; and __fish_seen_subcommand_from run" -l yes -d 'Do not ask for confirmation'
complete -c chatctl -n "__fish_chatctl_using_subcommand retention; and __fish_seen_subcommand_from run" -l json -d 'Print data as JSON instead of a table'
complete -c chatctl -n "__fish_chatctl_using_subcommand retention; and __fish_seen_subcommand_from run" -s h -l help -d 'Print help'
complete -c chatctl -n "__fish_chatctl_using_subcommand retention; and __fish_seen_subcommand_from help" -f -a "status" -d 'The policy ([retention] and groups with their own), the age of the oldest message that still has content, and how many messages are due'
complete -c chatctl -n "__fish_chatctl_using_subcommand retention; and __fish_seen_subcommand_from help" -f -a "run" -d 'Runs one pruning pass now, in the same batches as chatd\'s job (which waits while it runs), and prints what it pruned. Connected clients hear it through Redis'
complete -c chatctl -n "__fish_chatctl_using_subcommand retention; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c chatctl -n "__fish_chatctl_using_subcommand help; and not __fish_seen_subcommand_from migrate user group export backup stats doctor bench email retention help" -f -a "migrate" -d 'Database migrations: status, run, check'
complete -c chatctl -n "__fish_chatctl_using_subcommand help; and not __fish_seen_subcommand_from migrate user group export backup stats doctor bench email retention help" -f -a "user" -d 'Accounts and their sessions'
complete -c chatctl -n "__fish_chatctl_using_subcommand help; and not __fish_seen_subcommand_from migrate user group export backup stats doctor bench email retention help" -f -a "group" -d 'Groups and their members, acted as the server\'s operator'
complete -c chatctl -n "__fish_chatctl_using_subcommand help; and not __fish_seen_subcommand_from migrate user group export backup stats doctor bench email retention help" -f -a "export" -d 'Exports a chat\'s or a user\'s messages as JSON Lines'
complete -c chatctl -n "__fish_chatctl_using_subcommand help; and not __fish_seen_subcommand_from migrate user group export backup stats doctor bench email retention help" -f -a "backup" -d 'Backups: create, verify, restore, list'
complete -c chatctl -n "__fish_chatctl_using_subcommand help; and not __fish_seen_subcommand_from migrate user group export backup stats doctor bench email retention help" -f -a "stats" -d 'Server statistics: users, activity, chats, messages, database size'
complete -c chatctl -n "__fish_chatctl_using_subcommand help; and not __fish_seen_subcommand_from migrate user group export backup stats doctor bench email retention help" -f -a "doctor" -d 'Checks configuration, PostgreSQL, migrations, Redis, data directory and clock'
complete -c chatctl -n "__fish_chatctl_using_subcommand help; and not __fish_seen_subcommand_from migrate user group export backup stats doctor bench email retention help" -f -a "bench" -d 'Load test: drives a running chatd over real sockets and reports latency and losses'
complete -c chatctl -n "__fish_chatctl_using_subcommand help; and not __fish_seen_subcommand_from migrate user group export backup stats doctor bench email retention help" -f -a "email" -d 'Outgoing mail: send a test mail through the configured SMTP server'
complete -c chatctl -n "__fish_chatctl_using_subcommand help; and not __fish_seen_subcommand_from migrate user group export backup stats doctor bench email retention help" -f -a "retention" -d 'Message retention: the policy and what is due, or a pruning pass now'
complete -c chatctl -n "__fish_chatctl_using_subcommand help; and not __fish_seen_subcommand_from migrate user group export backup stats doctor bench email retention help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c chatctl -n "__fish_chatctl_using_subcommand help; and __fish_seen_subcommand_from migrate" -f -a "status" -d 'Lists every migration, applied or pending'
complete -c chatctl -n "__fish_chatctl_using_subcommand help; and __fish_seen_subcommand_from migrate" -f -a "run" -d 'Applies the pending migrations'
complete -c chatctl -n "__fish_chatctl_using_subcommand help; and __fish_seen_subcommand_from migrate" -f -a "check" -d 'Exits 3 when a migration is pending, 1 when one failed or was changed, else 0'
complete -c chatctl -n "__fish_chatctl_using_subcommand help; and __fish_seen_subcommand_from user" -f -a "create" -d 'Creates an account. The password is read from a prompt, or from stdin'
complete -c chatctl -n "__fish_chatctl_using_subcommand help; and __fish_seen_subcommand_from user" -f -a "list" -d 'Lists accounts by username'
complete -c chatctl -n "__fish_chatctl_using_subcommand help; and __fish_seen_subcommand_from user" -f -a "show" -d 'Shows one account'
complete -c chatctl -n "__fish_chatctl_using_subcommand help; and __fish_seen_subcommand_from user" -f -a "disable" -d 'Disables an account and revokes all of its sessions at once'
complete -c chatctl -n "__fish_chatctl_using_subcommand help; and __fish_seen_subcommand_from user" -f -a "enable" -d 'Enables a disabled account (its old sessions stay revoked)'
complete -c chatctl -n "__fish_chatctl_using_subcommand help; and __fish_seen_subcommand_from user" -f -a "reset-password" -d 'Sets a new password (prompt or stdin) and revokes all sessions'
complete -c chatctl -n "__fish_chatctl_using_subcommand help; and __fish_seen_subcommand_from user" -f -a "set-role" -d 'Grants or removes server administration'
complete -c chatctl -n "__fish_chatctl_using_subcommand help; and __fish_seen_subcommand_from user" -f -a "delete" -d 'Deletes an account for good; its messages stay, shown as from a deleted user'
complete -c chatctl -n "__fish_chatctl_using_subcommand help; and __fish_seen_subcommand_from user" -f -a "sessions" -d 'Lists the account\'s sessions, revoked ones included'
complete -c chatctl -n "__fish_chatctl_using_subcommand help; and __fish_seen_subcommand_from user" -f -a "revoke" -d 'Revokes one session, or all of them with --all'
complete -c chatctl -n "__fish_chatctl_using_subcommand help; and __fish_seen_subcommand_from group" -f -a "create" -d 'Creates a group with an owner and members'
complete -c chatctl -n "__fish_chatctl_using_subcommand help; and __fish_seen_subcommand_from group" -f -a "list" -d 'Lists live groups by name'
complete -c chatctl -n "__fish_chatctl_using_subcommand help; and __fish_seen_subcommand_from group" -f -a "show" -d 'Shows a group with its members and their roles'
complete -c chatctl -n "__fish_chatctl_using_subcommand help; and __fish_seen_subcommand_from group" -f -a "add-member" -d 'Adds members (users already in are skipped)'
complete -c chatctl -n "__fish_chatctl_using_subcommand help; and __fish_seen_subcommand_from group" -f -a "remove-member" -d 'Removes a member (not the owner: transfer first, or delete the group)'
complete -c chatctl -n "__fish_chatctl_using_subcommand help; and __fish_seen_subcommand_from group" -f -a "set-role" -d 'Makes a member an admin or a plain member'
complete -c chatctl -n "__fish_chatctl_using_subcommand help; and __fish_seen_subcommand_from group" -f -a "rename" -d 'Renames a group and/or changes its slug'
complete -c chatctl -n "__fish_chatctl_using_subcommand help; and __fish_seen_subcommand_from group" -f -a "transfer" -d 'Makes a member the owner; the previous owner becomes an admin'
complete -c chatctl -n "__fish_chatctl_using_subcommand help; and __fish_seen_subcommand_from group" -f -a "delete" -d 'Deletes a group for every member'
complete -c chatctl -n "__fish_chatctl_using_subcommand help; and __fish_seen_subcommand_from backup" -f -a "create" -d 'Writes one archive (database dump, attachments, manifest) while chatd keeps serving'
complete -c chatctl -n "__fish_chatctl_using_subcommand help; and __fish_seen_subcommand_from backup" -f -a "verify" -d 'Checks an archive without restoring it: checksums, manifest, readable dump'
complete -c chatctl -n "__fish_chatctl_using_subcommand help; and __fish_seen_subcommand_from backup" -f -a "restore" -d 'Restores an archive into an empty database, then applies pending migrations'
complete -c chatctl -n "__fish_chatctl_using_subcommand help; and __fish_seen_subcommand_from backup" -f -a "list" -d 'Lists the archives of a directory, newest first; --keep N deletes the older ones'
complete -c chatctl -n "__fish_chatctl_using_subcommand help; and __fish_seen_subcommand_from email" -f -a "test" -d 'Sends a test mail to ADDRESS through the configured SMTP server ([email]) at once, not through chatd\'s queue, and says what the server answered'
complete -c chatctl -n "__fish_chatctl_using_subcommand help; and __fish_seen_subcommand_from retention" -f -a "status" -d 'The policy ([retention] and groups with their own), the age of the oldest message that still has content, and how many messages are due'
complete -c chatctl -n "__fish_chatctl_using_subcommand help; and __fish_seen_subcommand_from retention" -f -a "run" -d 'Runs one pruning pass now, in the same batches as chatd\'s job (which waits while it runs), and prints what it pruned. Connected clients hear it through Redis'
