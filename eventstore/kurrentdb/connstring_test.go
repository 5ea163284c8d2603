package kurrentdb

import (
	"strings"
	"testing"
)

func TestClientConnString(t *testing.T) {
	cases := []struct {
		in, want string
	}{
		{"esdb://localhost:2113?tls=false", "esdb://localhost:2113?tls=false"},
		{"esdb+discover://cluster.example:2113", "esdb+discover://cluster.example:2113"},
		{"kurrentdb://localhost:2113?tls=false", "esdb://localhost:2113?tls=false"},
		{"kurrentdb+discover://admin:changeit@cluster.example:2113", "esdb+discover://admin:changeit@cluster.example:2113"},
		{"KurrentDB://h1:2113,h2:2113,h3:2113", "esdb://h1:2113,h2:2113,h3:2113"},
		{"ESDB://localhost", "esdb://localhost"},
	}
	for _, c := range cases {
		got, err := clientConnString(c.in)
		if err != nil || got != c.want {
			t.Errorf("clientConnString(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
		if !IsConnString(c.in) {
			t.Errorf("IsConnString(%q) = false", c.in)
		}
	}
	for _, bad := range []string{"", "localhost:2113", "postgres://u:secret@h/db", "kurrent://localhost", "esdb:/localhost", "tcp://localhost:1113"} {
		if _, err := clientConnString(bad); err == nil {
			t.Errorf("clientConnString(%q) accepted", bad)
		}
		if IsConnString(bad) {
			t.Errorf("IsConnString(%q) = true", bad)
		}
	}
}

func TestClientConfig(t *testing.T) {
	cases := []struct {
		in       string
		address  string
		seeds    int
		discover bool
		noTLS    bool
		user, pw string
	}{
		{in: "esdb://127.0.0.1:2113?tls=false", address: "127.0.0.1:2113", noTLS: true},
		{in: "kurrentdb://127.0.0.1:2113?tls=false", address: "127.0.0.1:2113", noTLS: true},
		{in: "kurrentdb://db.example", address: "db.example:2113"},
		{in: "kurrentdb://admin:changeit@db.example:2113?tlsVerifyCert=false", address: "db.example:2113", user: "admin", pw: "changeit"},
		{in: "kurrentdb+discover://cluster.example:2113", address: "cluster.example:2113", discover: true},
		{in: "kurrentdb://h1:2113,h2:2113,h3:2113?nodePreference=leader", seeds: 3},
		{in: "esdb+discover://ops:p%40ss@cluster.example", address: "cluster.example:2113", discover: true, user: "ops", pw: "p@ss"},
	}
	for _, c := range cases {
		cfg, err := ClientConfig(c.in)
		if err != nil {
			t.Errorf("%s: %v", c.in, err)
			continue
		}
		if c.seeds == 0 && cfg.Address != c.address {
			t.Errorf("%s: address %q, want %q", c.in, cfg.Address, c.address)
		}
		if len(cfg.GossipSeeds) != c.seeds || cfg.DnsDiscover != c.discover || cfg.DisableTLS != c.noTLS {
			t.Errorf("%s: %d seeds, discover %v, tls disabled %v", c.in, len(cfg.GossipSeeds), cfg.DnsDiscover, cfg.DisableTLS)
		}
		if cfg.Username != c.user || cfg.Password != c.pw {
			t.Errorf("%s: user %q password %q", c.in, cfg.Username, cfg.Password)
		}
	}
}

// A bad connection string is reported without its password, even when the
// client's own error quotes the whole string.
func TestClientConfigHidesPassword(t *testing.T) {
	for _, in := range []string{
		"kurrentdb://admin:s3cr3t-pw@db.example:2113/some/path",
		"kurrentdb://admin:s3cr3t-pw@db.example:notaport",
		"esdb://admin:s3cr3t-pw@db.example:2113?tls=maybe",
		"mysql://admin:s3cr3t-pw@db.example",
	} {
		_, err := ClientConfig(in)
		if err == nil {
			t.Errorf("%s: accepted", in)
			continue
		}
		if strings.Contains(err.Error(), "s3cr3t-pw") {
			t.Errorf("error shows the password: %v", err)
		}
	}
}

func TestRedact(t *testing.T) {
	cases := []struct{ in, want string }{
		{"kurrentdb://admin:changeit@db:2113?tls=true", "kurrentdb://admin:xxxxx@db:2113?tls=true"},
		{"esdb://admin:changeit@h1:2113,h2:2113", "esdb://admin:xxxxx@h1:2113,h2:2113"},
		{"esdb://admin@db:2113", "esdb://admin@db:2113"},
		{"esdb://db:2113?tls=false", "esdb://db:2113?tls=false"},
		{"esdb://db:2113/?note=a:b@c", "esdb://db:2113/?note=a:b@c"},
		{"not a url", "not a url"},
	}
	for _, c := range cases {
		if got := Redact(c.in); got != c.want {
			t.Errorf("Redact(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
