package commands

// UsePlainIdempotencyHashes makes h write the plain SHA-256 idempotency
// hashes of older binaries, so that tests can make their events.
func UsePlainIdempotencyHashes(h *Handler) {
	h.hashes = func(c Call, stream string, request any) (string, string) {
		if c.IdempotencyKey == "" {
			return "", ""
		}
		return legacyIdemHashes(c, stream, request)
	}
}
