# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_chatd_global_optspecs
    string join \n config= listen= data-dir= database-url= database-max-connections= redis-url= postgres-bin-dir= postgres-user= log-format= log-level= registration= password-min-length= jwt-secret= access-token-ttl= refresh-token-ttl= trust-forwarded-for= set= h/help V/version
end

function __fish_chatd_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_chatd_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_chatd_using_subcommand
    set -l cmd (__fish_chatd_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c chatd -n "__fish_chatd_needs_command" -l config -d 'The TOML configuration file' -r -F
complete -c chatd -n "__fish_chatd_needs_command" -l listen -d 'Address and port to serve on [default: 127.0.0.1:7878]' -r
complete -c chatd -n "__fish_chatd_needs_command" -l data-dir -d 'Where chatd keeps its state (embedded PostgreSQL, keys, attachments)' -r -F
complete -c chatd -n "__fish_chatd_needs_command" -l database-url -d 'An external PostgreSQL, e.g. `postgres://chatd:pw@db/chatd`. Unset: embedded' -r
complete -c chatd -n "__fish_chatd_needs_command" -l database-max-connections -d 'Largest number of PostgreSQL connections in the pool [default: 20]' -r
complete -c chatd -n "__fish_chatd_needs_command" -l redis-url -d 'Redis for fan-out between nodes, e.g. `redis://127.0.0.1:6379`. Unset: single node' -r
complete -c chatd -n "__fish_chatd_needs_command" -l postgres-bin-dir -d 'Directory of the PostgreSQL binaries for the embedded database' -r -F
complete -c chatd -n "__fish_chatd_needs_command" -l postgres-user -d 'System user that runs the embedded PostgreSQL when chatd runs as root [default: postgres]' -r
complete -c chatd -n "__fish_chatd_needs_command" -l log-format -d 'Log format: human or json [default: human]' -r
complete -c chatd -n "__fish_chatd_needs_command" -l log-level -d 'Log filter, e.g. info or chatd=debug,info [default: info]' -r
complete -c chatd -n "__fish_chatd_needs_command" -l registration -d 'Who may register: open, invite or closed [default: open]' -r
complete -c chatd -n "__fish_chatd_needs_command" -l password-min-length -d 'Shortest accepted password, in characters [default: 8]' -r
complete -c chatd -n "__fish_chatd_needs_command" -l jwt-secret -d 'Secret that signs access tokens (at least 32 bytes). Unset: generated in the data dir' -r
complete -c chatd -n "__fish_chatd_needs_command" -l access-token-ttl -d 'Lifetime of access tokens, in seconds [default: 900]' -r
complete -c chatd -n "__fish_chatd_needs_command" -l refresh-token-ttl -d 'Lifetime of refresh tokens, in seconds [default: 604800]' -r
complete -c chatd -n "__fish_chatd_needs_command" -l trust-forwarded-for -d 'Trust the X-Forwarded-For header for client addresses (behind a reverse proxy)' -r -f -a "true\t''
false\t''"
complete -c chatd -n "__fish_chatd_needs_command" -l set -d 'Sets any configuration key, e.g. `--set ws.heartbeat_secs=20` (repeatable; lists as `a,b`). Overrides the flags above, the variables and the file' -r
complete -c chatd -n "__fish_chatd_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c chatd -n "__fish_chatd_needs_command" -s V -l version -d 'Print version'
complete -c chatd -n "__fish_chatd_needs_command" -f -a "serve" -d 'Serve (the default)'
complete -c chatd -n "__fish_chatd_needs_command" -f -a "print-config" -d 'Print the effective configuration as TOML, secrets redacted, and exit'
complete -c chatd -n "__fish_chatd_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c chatd -n "__fish_chatd_using_subcommand serve" -l config -d 'The TOML configuration file' -r -F
complete -c chatd -n "__fish_chatd_using_subcommand serve" -l listen -d 'Address and port to serve on [default: 127.0.0.1:7878]' -r
complete -c chatd -n "__fish_chatd_using_subcommand serve" -l data-dir -d 'Where chatd keeps its state (embedded PostgreSQL, keys, attachments)' -r -F
complete -c chatd -n "__fish_chatd_using_subcommand serve" -l database-url -d 'An external PostgreSQL, e.g. `postgres://chatd:pw@db/chatd`. Unset: embedded' -r
complete -c chatd -n "__fish_chatd_using_subcommand serve" -l database-max-connections -d 'Largest number of PostgreSQL connections in the pool [default: 20]' -r
complete -c chatd -n "__fish_chatd_using_subcommand serve" -l redis-url -d 'Redis for fan-out between nodes, e.g. `redis://127.0.0.1:6379`. Unset: single node' -r
complete -c chatd -n "__fish_chatd_using_subcommand serve" -l postgres-bin-dir -d 'Directory of the PostgreSQL binaries for the embedded database' -r -F
complete -c chatd -n "__fish_chatd_using_subcommand serve" -l postgres-user -d 'System user that runs the embedded PostgreSQL when chatd runs as root [default: postgres]' -r
complete -c chatd -n "__fish_chatd_using_subcommand serve" -l log-format -d 'Log format: human or json [default: human]' -r
complete -c chatd -n "__fish_chatd_using_subcommand serve" -l log-level -d 'Log filter, e.g. info or chatd=debug,info [default: info]' -r
complete -c chatd -n "__fish_chatd_using_subcommand serve" -l registration -d 'Who may register: open, invite or closed [default: open]' -r
complete -c chatd -n "__fish_chatd_using_subcommand serve" -l password-min-length -d 'Shortest accepted password, in characters [default: 8]' -r
complete -c chatd -n "__fish_chatd_using_subcommand serve" -l jwt-secret -d 'Secret that signs access tokens (at least 32 bytes). Unset: generated in the data dir' -r
complete -c chatd -n "__fish_chatd_using_subcommand serve" -l access-token-ttl -d 'Lifetime of access tokens, in seconds [default: 900]' -r
complete -c chatd -n "__fish_chatd_using_subcommand serve" -l refresh-token-ttl -d 'Lifetime of refresh tokens, in seconds [default: 604800]' -r
complete -c chatd -n "__fish_chatd_using_subcommand serve" -l trust-forwarded-for -d 'Trust the X-Forwarded-For header for client addresses (behind a reverse proxy)' -r -f -a "true\t''
false\t''"
complete -c chatd -n "__fish_chatd_using_subcommand serve" -l set -d 'Sets any configuration key, e.g. `--set ws.heartbeat_secs=20` (repeatable; lists as `a,b`). Overrides the flags above, the variables and the file' -r
complete -c chatd -n "__fish_chatd_using_subcommand serve" -s h -l help -d 'Print help'
complete -c chatd -n "__fish_chatd_using_subcommand print-config" -l config -d 'The TOML configuration file' -r -F
complete -c chatd -n "__fish_chatd_using_subcommand print-config" -l listen -d 'Address and port to serve on [default: 127.0.0.1:7878]' -r
complete -c chatd -n "__fish_chatd_using_subcommand print-config" -l data-dir -d 'Where chatd keeps its state (embedded PostgreSQL, keys, attachments)' -r -F
complete -c chatd -n "__fish_chatd_using_subcommand print-config" -l database-url -d 'An external PostgreSQL, e.g. `postgres://chatd:pw@db/chatd`. Unset: embedded' -r
complete -c chatd -n "__fish_chatd_using_subcommand print-config" -l database-max-connections -d 'Largest number of PostgreSQL connections in the pool [default: 20]' -r
complete -c chatd -n "__fish_chatd_using_subcommand print-config" -l redis-url -d 'Redis for fan-out between nodes, e.g. `redis://127.0.0.1:6379`. Unset: single node' -r
complete -c chatd -n "__fish_chatd_using_subcommand print-config" -l postgres-bin-dir -d 'Directory of the PostgreSQL binaries for the embedded database' -r -F
complete -c chatd -n "__fish_chatd_using_subcommand print-config" -l postgres-user -d 'System user that runs the embedded PostgreSQL when chatd runs as root [default: postgres]' -r
complete -c chatd -n "__fish_chatd_using_subcommand print-config" -l log-format -d 'Log format: human or json [default: human]' -r
complete -c chatd -n "__fish_chatd_using_subcommand print-config" -l log-level -d 'Log filter, e.g. info or chatd=debug,info [default: info]' -r
complete -c chatd -n "__fish_chatd_using_subcommand print-config" -l registration -d 'Who may register: open, invite or closed [default: open]' -r
complete -c chatd -n "__fish_chatd_using_subcommand print-config" -l password-min-length -d 'Shortest accepted password, in characters [default: 8]' -r
complete -c chatd -n "__fish_chatd_using_subcommand print-config" -l jwt-secret -d 'Secret that signs access tokens (at least 32 bytes). Unset: generated in the data dir' -r
complete -c chatd -n "__fish_chatd_using_subcommand print-config" -l access-token-ttl -d 'Lifetime of access tokens, in seconds [default: 900]' -r
complete -c chatd -n "__fish_chatd_using_subcommand print-config" -l refresh-token-ttl -d 'Lifetime of refresh tokens, in seconds [default: 604800]' -r
complete -c chatd -n "__fish_chatd_using_subcommand print-config" -l trust-forwarded-for -d 'Trust the X-Forwarded-For header for client addresses (behind a reverse proxy)' -r -f -a "true\t''
false\t''"
complete -c chatd -n "__fish_chatd_using_subcommand print-config" -l set -d 'Sets any configuration key, e.g. `--set ws.heartbeat_secs=20` (repeatable; lists as `a,b`). Overrides the flags above, the variables and the file' -r
complete -c chatd -n "__fish_chatd_using_subcommand print-config" -s h -l help -d 'Print help'
complete -c chatd -n "__fish_chatd_using_subcommand help; and not __fish_seen_subcommand_from serve print-config help" -f -a "serve" -d 'Serve (the default)'
complete -c chatd -n "__fish_chatd_using_subcommand help; and not __fish_seen_subcommand_from serve print-config help" -f -a "print-config" -d 'Print the effective configuration as TOML, secrets redacted, and exit'
complete -c chatd -n "__fish_chatd_using_subcommand help; and not __fish_seen_subcommand_from serve print-config help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
