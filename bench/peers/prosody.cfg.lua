-- Prosody for Parley's benchmark (bench/drivers/xmpp.ts starts it with `prosody -F`).
-- One virtual host on a loopback port, SASL PLAIN without TLS (loopback only), no
-- bandwidth limits, offline storage on for workload C. The driver passes the port and a
-- fresh data directory through the environment.
local port = tonumber(os.getenv("BENCH_XMPP_PORT") or "15222")
local data = os.getenv("BENCH_XMPP_DATA") or "/tmp/parley-bench-prosody"

data_path = data
pidfile = data .. "/prosody.pid"
-- The benchmark runs as root in CI; keep the process in front of us instead of dropping to
-- the prosody user, so the data directory and /proc/<pid> stay ours.
run_as_root = true
network_backend = "epoll"
-- Send small packets at once: Prosody leaves Nagle's algorithm on by default, which with the
-- peer's delayed ACKs adds up to 40 ms to a message whenever another is unacknowledged.
network_settings = { nagle = false }
interfaces = { "127.0.0.1" }
c2s_ports = { port }
c2s_interfaces = { "127.0.0.1" }
s2s_ports = {}
admin_socket = data .. "/prosody.sock"
log = { warn = data .. "/prosody.log" }
certificates = data .. "/certs"

modules_enabled = {
  "roster"; "saslauth"; "disco"; "ping"; "presence"; "offline"; "smacks"; "admin_shell";
}
modules_disabled = { "s2s"; "limits"; "tls" }

authentication = "internal_plain"
storage = "internal"
c2s_require_encryption = false
allow_unencrypted_plain_auth = true
allow_registration = false
-- Stream management: acknowledge each stanza the client asks about, never hibernate a
-- session whose socket is gone (a closed benchmark client is offline at once).
smacks_hibernation_time = 0

VirtualHost "localhost"
