// Package mailpit starts a real SMTP server for tests: Mailpit
// (github.com/axllent/mailpit), run as a process on free loopback ports,
// whose REST API reads the messages it received. .ci/run installs it
// (go install); a test that needs it skips without it, and fails under
// CI=true.
package mailpit

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// Server is a running Mailpit.
type Server struct {
	SMTPHost string
	SMTPPort int
	API      string // http://127.0.0.1:PORT
	cmd      *exec.Cmd
	dir      string
}

// Binary finds the mailpit binary: $PARCOURS_MAILPIT, the PATH, or
// $(go env GOPATH)/bin.
func Binary() (string, bool) {
	if p := os.Getenv("PARCOURS_MAILPIT"); p != "" {
		return p, true
	}
	if p, err := exec.LookPath("mailpit"); err == nil {
		return p, true
	}
	gopath := os.Getenv("GOPATH")
	if gopath == "" {
		home, _ := os.UserHomeDir()
		gopath = filepath.Join(home, "go")
	}
	p := filepath.Join(gopath, "bin", "mailpit")
	_, err := os.Stat(p)
	return p, err == nil
}

// FreePort returns a loopback TCP port nobody listens on now.
func FreePort(t testing.TB) int {
	t.Helper()
	p, err := Port()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// Port returns a loopback TCP port nobody listens on now.
func Port() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Start starts Mailpit with its SMTP server on smtpPort (0: a free one);
// it stops at the end of the test.
func Start(t testing.TB, smtpPort int) *Server {
	t.Helper()
	bin, ok := Binary()
	if !ok {
		if os.Getenv("CI") == "true" {
			t.Fatal("mailpit is not installed (go install github.com/axllent/mailpit@v1.33.1): CI=true needs it")
		}
		t.Skip("mailpit is not installed (go install github.com/axllent/mailpit@v1.33.1)")
	}
	if smtpPort == 0 {
		smtpPort = FreePort(t)
	}
	s, err := Launch(bin, smtpPort, FreePort(t), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Stop)
	return s
}

// Launch starts bin with its SMTP server on smtpPort and its API on
// apiPort (loopback), keeping its messages in dir, and waits until both
// answer; the caller stops it.
func Launch(bin string, smtpPort, apiPort int, dir string) (*Server, error) {
	s := &Server{SMTPHost: "127.0.0.1", SMTPPort: smtpPort, API: "http://127.0.0.1:" + strconv.Itoa(apiPort), dir: dir}
	s.cmd = exec.Command(bin, "--smtp", "127.0.0.1:"+strconv.Itoa(smtpPort), "--listen", "127.0.0.1:"+strconv.Itoa(apiPort),
		"--database", filepath.Join(dir, "mailpit.db"), "--disable-version-check", "--smtp-auth-accept-any", "--smtp-auth-allow-insecure",
		"--max", "100000")
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start mailpit: %w", err)
	}
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		resp, err := http.Get(s.API + "/api/v1/messages")
		if err == nil {
			resp.Body.Close()
			if c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", smtpPort)); err == nil {
				c.Close()
				return s, nil
			}
		}
		if time.Now().After(deadline) {
			s.Stop()
			return nil, fmt.Errorf("mailpit did not start on SMTP %d, API %d: %v", smtpPort, apiPort, err)
		}
	}
}

// Stop ends the server (once).
func (s *Server) Stop() {
	if s.cmd != nil && s.cmd.Process != nil {
		s.cmd.Process.Kill()
		s.cmd.Wait()
		s.cmd = nil
	}
}

// Message is a message as Mailpit lists it, with its text and headers.
type Message struct {
	ID        string              `json:"ID"`
	MessageID string              `json:"MessageID"`
	Subject   string              `json:"Subject"`
	To        []Address           `json:"To"`
	Text      string              `json:"-"`
	Headers   map[string][]string `json:"-"`
}

// Address is one address of a message.
type Address struct {
	Name    string `json:"Name"`
	Address string `json:"Address"`
}

// Messages returns every message received, with its text and headers.
func (s *Server) Messages(ctx context.Context) ([]Message, error) {
	var list struct {
		Messages []Message `json:"messages"`
	}
	if err := s.get(ctx, "/api/v1/messages?limit=1000", &list); err != nil {
		return nil, err
	}
	for i := range list.Messages {
		m := &list.Messages[i]
		var full struct {
			Text string `json:"Text"`
		}
		if err := s.get(ctx, "/api/v1/message/"+m.ID, &full); err != nil {
			return nil, err
		}
		m.Text = full.Text
		if err := s.get(ctx, "/api/v1/message/"+m.ID+"/headers", &m.Headers); err != nil {
			return nil, err
		}
	}
	return list.Messages, nil
}

func (s *Server) get(ctx context.Context, path string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.API+path, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("mailpit %s: %w", path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("mailpit %s: %s", path, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}
