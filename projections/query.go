package projections

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
)

// generation returns the current generation of projection name.
func (d *DB) generation(ctx context.Context, name string) (int, error) {
	st, ok, err := loadState(ctx, d.reader, name)
	if err != nil {
		return 0, err
	}
	if !ok {
		return 0, fmt.Errorf("read model %s is not built yet", name)
	}
	return st.Generation, nil
}

// Doc reads the document ns/key of projection name into v and reports
// whether it exists.
func (d *DB) Doc(ctx context.Context, name, ns, key string, v any) (bool, error) {
	gen, err := d.generation(ctx, name)
	if err != nil {
		return false, err
	}
	var raw []byte
	err = d.reader.QueryRowContext(ctx, `SELECT doc FROM `+docsTable(name, gen)+` WHERE ns = $1 AND key = $2`, ns, key).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read %s %s/%s: %w", name, ns, key, err)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return false, fmt.Errorf("decode %s %s/%s: %w", name, ns, key, err)
	}
	return true, nil
}

// Docs calls fn with every document of namespace ns of projection name, in
// key order, after the key after (for pagination), up to limit.
func (d *DB) Docs(ctx context.Context, name, ns, after string, limit int, fn func(key string, raw []byte) error) error {
	gen, err := d.generation(ctx, name)
	if err != nil {
		return err
	}
	rows, err := d.reader.QueryContext(ctx, `SELECT key, doc FROM `+docsTable(name, gen)+` WHERE ns = $1 AND key > $2 ORDER BY key LIMIT $3`, ns, after, limit)
	if err != nil {
		return fmt.Errorf("list %s %s: %w", name, ns, err)
	}
	defer rows.Close()
	for rows.Next() {
		var key string
		var raw []byte
		if err := rows.Scan(&key, &raw); err != nil {
			return err
		}
		if err := fn(key, raw); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Log calls fn with the entries of log ns/key of projection name, oldest
// first, after sequence number after, up to limit; it returns the last
// sequence number seen (a cursor).
func (d *DB) Log(ctx context.Context, name, ns, key string, after int64, limit int, fn func(seq int64, raw []byte) error) (int64, error) {
	gen, err := d.generation(ctx, name)
	if err != nil {
		return after, err
	}
	rows, err := d.reader.QueryContext(ctx, `SELECT seq, doc FROM `+logTable(name, gen)+` WHERE ns = $1 AND key = $2 AND seq > $3 ORDER BY seq LIMIT $4`, ns, key, after, limit)
	if err != nil {
		return after, fmt.Errorf("read log %s %s/%s: %w", name, ns, key, err)
	}
	defer rows.Close()
	for rows.Next() {
		var raw []byte
		if err := rows.Scan(&after, &raw); err != nil {
			return after, err
		}
		if err := fn(after, raw); err != nil {
			return after, err
		}
	}
	return after, rows.Err()
}

// Dump returns every document ("ns/key" → JSON) and every log entry
// ("ns/key" → entries in order) of projection name's current generation;
// tests compare read models with it.
func (d *DB) Dump(ctx context.Context, name string) (docs map[string]string, logs map[string][]string, err error) {
	gen, err := d.generation(ctx, name)
	if err != nil {
		return nil, nil, err
	}
	docs, logs = map[string]string{}, map[string][]string{}
	rows, err := d.reader.QueryContext(ctx, `SELECT ns, key, doc FROM `+docsTable(name, gen))
	if err != nil {
		return nil, nil, err
	}
	for rows.Next() {
		var ns, key string
		var raw []byte
		if err := rows.Scan(&ns, &key, &raw); err != nil {
			rows.Close()
			return nil, nil, err
		}
		docs[ns+"/"+key] = string(raw)
	}
	rows.Close()
	rows, err = d.reader.QueryContext(ctx, `SELECT ns, key, doc FROM `+logTable(name, gen)+` ORDER BY seq`)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var ns, key string
		var raw []byte
		if err := rows.Scan(&ns, &key, &raw); err != nil {
			return nil, nil, err
		}
		logs[ns+"/"+key] = append(logs[ns+"/"+key], string(raw))
	}
	return docs, logs, rows.Err()
}
