package domain

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"
)

func TestEvidenceContentHash(t *testing.T) {
	sum := func(s string) string { h := sha256.Sum256([]byte(s)); return hex.EncodeToString(h[:]) }
	file := &FileRef{FileID: "f-1", SHA256: sum("the plaintext bytes"), Size: 19, MediaType: "image/png"}
	for _, c := range []struct {
		in   EvidenceInput
		want string
	}{
		{EvidenceInput{Kind: EvidenceOfText, Text: EvidenceText{Title: "ignored", Text: "Bonjour"}}, sum("Bonjour")},
		{EvidenceInput{Kind: EvidenceOfLink, Text: EvidenceText{Title: "ignored", URL: "https://example.org/a"}}, sum("https://example.org/a")},
		{EvidenceInput{Kind: EvidenceOfFile, File: file, Text: EvidenceText{Title: "ignored", FileName: "a.png"}}, file.SHA256},
	} {
		if got := c.in.ContentHash(); got != c.want {
			t.Errorf("%s: %s, want %s", c.in.Kind, got, c.want)
		}
	}
}
