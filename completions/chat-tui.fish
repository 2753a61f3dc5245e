# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_chat_tui_global_optspecs
    string join \n server= profile= transport= h/help V/version
end

function __fish_chat_tui_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_chat_tui_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_chat_tui_using_subcommand
    set -l cmd (__fish_chat_tui_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c chat-tui -n "__fish_chat_tui_needs_command" -l server -d 'The server to connect to (default: the profile\'s server, else <http://127.0.0.1:7878>)' -r
complete -c chat-tui -n "__fish_chat_tui_needs_command" -l profile -d 'The account profile of config.toml to use' -r
complete -c chat-tui -n "__fish_chat_tui_needs_command" -l transport -d 'How to get events: the WebSocket (ws), Server-Sent Events (sse, for networks that refuse WebSocket upgrades), or the WebSocket falling back to sse when the upgrade fails (auto)' -r -f -a "auto\t'The WebSocket, else Server-Sent Events'
ws\t'The WebSocket only'
sse\t'Server-Sent Events only'"
complete -c chat-tui -n "__fish_chat_tui_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c chat-tui -n "__fish_chat_tui_needs_command" -s V -l version -d 'Print version'
complete -c chat-tui -n "__fish_chat_tui_needs_command" -f -a "login" -d 'Log in and keep the session (interactive, or with --username and --password-stdin)'
complete -c chat-tui -n "__fish_chat_tui_needs_command" -f -a "logout" -d 'End the session on the server and forget it here'
complete -c chat-tui -n "__fish_chat_tui_needs_command" -f -a "send" -d 'Send a message to a user (direct chat) or a group, then exit'
complete -c chat-tui -n "__fish_chat_tui_needs_command" -f -a "open" -d 'Open the client on a chat or a message: chat://<server>/c/<chat-id>[/m/<message-id>], a group slug, or a username; an invite link chat://<server>/join/<token> joins the group'
complete -c chat-tui -n "__fish_chat_tui_needs_command" -f -a "bench" -d 'Measure rendering and memory with generated chats (for docs/benchmarks.md)'
complete -c chat-tui -n "__fish_chat_tui_needs_command" -f -a "keys" -d 'Print every key binding (the table of docs/tui.md, generated from the keymap)'
complete -c chat-tui -n "__fish_chat_tui_needs_command" -f -a "cache" -d 'The offline cache of the profile (chats, recent messages, queued sends)'
complete -c chat-tui -n "__fish_chat_tui_using_subcommand login" -l username -d 'The username (asked for when left out)' -r
complete -c chat-tui -n "__fish_chat_tui_using_subcommand login" -l server -d 'The server to connect to (default: the profile\'s server, else <http://127.0.0.1:7878>)' -r
complete -c chat-tui -n "__fish_chat_tui_using_subcommand login" -l profile -d 'The account profile of config.toml to use' -r
complete -c chat-tui -n "__fish_chat_tui_using_subcommand login" -l transport -d 'How to get events: the WebSocket (ws), Server-Sent Events (sse, for networks that refuse WebSocket upgrades), or the WebSocket falling back to sse when the upgrade fails (auto)' -r -f -a "auto\t'The WebSocket, else Server-Sent Events'
ws\t'The WebSocket only'
sse\t'Server-Sent Events only'"
complete -c chat-tui -n "__fish_chat_tui_using_subcommand login" -l password-stdin -d 'Read the password from the first line of standard input'
complete -c chat-tui -n "__fish_chat_tui_using_subcommand login" -l register -d 'Create the account first'
complete -c chat-tui -n "__fish_chat_tui_using_subcommand login" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c chat-tui -n "__fish_chat_tui_using_subcommand logout" -l server -d 'The server to connect to (default: the profile\'s server, else <http://127.0.0.1:7878>)' -r
complete -c chat-tui -n "__fish_chat_tui_using_subcommand logout" -l profile -d 'The account profile of config.toml to use' -r
complete -c chat-tui -n "__fish_chat_tui_using_subcommand logout" -l transport -d 'How to get events: the WebSocket (ws), Server-Sent Events (sse, for networks that refuse WebSocket upgrades), or the WebSocket falling back to sse when the upgrade fails (auto)' -r -f -a "auto\t'The WebSocket, else Server-Sent Events'
ws\t'The WebSocket only'
sse\t'Server-Sent Events only'"
complete -c chat-tui -n "__fish_chat_tui_using_subcommand logout" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c chat-tui -n "__fish_chat_tui_using_subcommand send" -l to -d 'A username (`ada` or `@ada`) for the direct chat with them, or a group: its slug, its name as the chat list shows it (`"Launch Team"`), or its id' -r
complete -c chat-tui -n "__fish_chat_tui_using_subcommand send" -l server -d 'The server to connect to (default: the profile\'s server, else <http://127.0.0.1:7878>)' -r
complete -c chat-tui -n "__fish_chat_tui_using_subcommand send" -l profile -d 'The account profile of config.toml to use' -r
complete -c chat-tui -n "__fish_chat_tui_using_subcommand send" -l transport -d 'How to get events: the WebSocket (ws), Server-Sent Events (sse, for networks that refuse WebSocket upgrades), or the WebSocket falling back to sse when the upgrade fails (auto)' -r -f -a "auto\t'The WebSocket, else Server-Sent Events'
ws\t'The WebSocket only'
sse\t'Server-Sent Events only'"
complete -c chat-tui -n "__fish_chat_tui_using_subcommand send" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c chat-tui -n "__fish_chat_tui_using_subcommand open" -l server -d 'The server to connect to (default: the profile\'s server, else <http://127.0.0.1:7878>)' -r
complete -c chat-tui -n "__fish_chat_tui_using_subcommand open" -l profile -d 'The account profile of config.toml to use' -r
complete -c chat-tui -n "__fish_chat_tui_using_subcommand open" -l transport -d 'How to get events: the WebSocket (ws), Server-Sent Events (sse, for networks that refuse WebSocket upgrades), or the WebSocket falling back to sse when the upgrade fails (auto)' -r -f -a "auto\t'The WebSocket, else Server-Sent Events'
ws\t'The WebSocket only'
sse\t'Server-Sent Events only'"
complete -c chat-tui -n "__fish_chat_tui_using_subcommand open" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c chat-tui -n "__fish_chat_tui_using_subcommand bench" -l server -d 'The server to connect to (default: the profile\'s server, else <http://127.0.0.1:7878>)' -r
complete -c chat-tui -n "__fish_chat_tui_using_subcommand bench" -l profile -d 'The account profile of config.toml to use' -r
complete -c chat-tui -n "__fish_chat_tui_using_subcommand bench" -l transport -d 'How to get events: the WebSocket (ws), Server-Sent Events (sse, for networks that refuse WebSocket upgrades), or the WebSocket falling back to sse when the upgrade fails (auto)' -r -f -a "auto\t'The WebSocket, else Server-Sent Events'
ws\t'The WebSocket only'
sse\t'Server-Sent Events only'"
complete -c chat-tui -n "__fish_chat_tui_using_subcommand bench" -l first-frame -d 'Instead: the time to the first full frame with a warm offline cache of 200 chats and the server unreachable, and with a cold cache against the profile\'s server'
complete -c chat-tui -n "__fish_chat_tui_using_subcommand bench" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c chat-tui -n "__fish_chat_tui_using_subcommand keys" -l server -d 'The server to connect to (default: the profile\'s server, else <http://127.0.0.1:7878>)' -r
complete -c chat-tui -n "__fish_chat_tui_using_subcommand keys" -l profile -d 'The account profile of config.toml to use' -r
complete -c chat-tui -n "__fish_chat_tui_using_subcommand keys" -l transport -d 'How to get events: the WebSocket (ws), Server-Sent Events (sse, for networks that refuse WebSocket upgrades), or the WebSocket falling back to sse when the upgrade fails (auto)' -r -f -a "auto\t'The WebSocket, else Server-Sent Events'
ws\t'The WebSocket only'
sse\t'Server-Sent Events only'"
complete -c chat-tui -n "__fish_chat_tui_using_subcommand keys" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c chat-tui -n "__fish_chat_tui_using_subcommand cache; and not __fish_seen_subcommand_from clear info" -l server -d 'The server to connect to (default: the profile\'s server, else <http://127.0.0.1:7878>)' -r
complete -c chat-tui -n "__fish_chat_tui_using_subcommand cache; and not __fish_seen_subcommand_from clear info" -l profile -d 'The account profile of config.toml to use' -r
complete -c chat-tui -n "__fish_chat_tui_using_subcommand cache; and not __fish_seen_subcommand_from clear info" -l transport -d 'How to get events: the WebSocket (ws), Server-Sent Events (sse, for networks that refuse WebSocket upgrades), or the WebSocket falling back to sse when the upgrade fails (auto)' -r -f -a "auto\t'The WebSocket, else Server-Sent Events'
ws\t'The WebSocket only'
sse\t'Server-Sent Events only'"
complete -c chat-tui -n "__fish_chat_tui_using_subcommand cache; and not __fish_seen_subcommand_from clear info" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c chat-tui -n "__fish_chat_tui_using_subcommand cache; and not __fish_seen_subcommand_from clear info" -f -a "clear" -d 'Empty the profile\'s offline cache (sends not yet delivered are dropped too); the next start loads everything from the server'
complete -c chat-tui -n "__fish_chat_tui_using_subcommand cache; and not __fish_seen_subcommand_from clear info" -f -a "info" -d 'Print where the cache is and what it holds'
complete -c chat-tui -n "__fish_chat_tui_using_subcommand cache; and __fish_seen_subcommand_from clear" -l server -d 'The server to connect to (default: the profile\'s server, else <http://127.0.0.1:7878>)' -r
complete -c chat-tui -n "__fish_chat_tui_using_subcommand cache; and __fish_seen_subcommand_from clear" -l profile -d 'The account profile of config.toml to use' -r
complete -c chat-tui -n "__fish_chat_tui_using_subcommand cache; and __fish_seen_subcommand_from clear" -l transport -d 'How to get events: the WebSocket (ws), Server-Sent Events (sse, for networks that refuse WebSocket upgrades), or the WebSocket falling back to sse when the upgrade fails (auto)' -r -f -a "auto\t'The WebSocket, else Server-Sent Events'
ws\t'The WebSocket only'
sse\t'Server-Sent Events only'"
complete -c chat-tui -n "__fish_chat_tui_using_subcommand cache; and __fish_seen_subcommand_from clear" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c chat-tui -n "__fish_chat_tui_using_subcommand cache; and __fish_seen_subcommand_from info" -l server -d 'The server to connect to (default: the profile\'s server, else <http://127.0.0.1:7878>)' -r
complete -c chat-tui -n "__fish_chat_tui_using_subcommand cache; and __fish_seen_subcommand_from info" -l profile -d 'The account profile of config.toml to use' -r
complete -c chat-tui -n "__fish_chat_tui_using_subcommand cache; and __fish_seen_subcommand_from info" -l transport -d 'How to get events: the WebSocket (ws), Server-Sent Events (sse, for networks that refuse WebSocket upgrades), or the WebSocket falling back to sse when the upgrade fails (auto)' -r -f -a "auto\t'The WebSocket, else Server-Sent Events'
ws\t'The WebSocket only'
sse\t'Server-Sent Events only'"
complete -c chat-tui -n "__fish_chat_tui_using_subcommand cache; and __fish_seen_subcommand_from info" -s h -l help -d 'Print help (see more with \'--help\')'
