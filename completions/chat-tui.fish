complete -c chat-tui -l server -d 'The server to connect to' -r
complete -c chat-tui -s h -l help -d 'Print help (see more with \'--help\')'
complete -c chat-tui -s V -l version -d 'Print version'
