// Package notify sends what the notifications read model puts in the
// e-mail outbox, and notices inactive beneficiaries.
//
// The Sender gathers each person's pending notifications into one digest
// once the oldest has waited the batching window, and sends it through
// SMTP (github.com/wneessen/go-mail). A digest holds no personal text: the
// kinds, how many, the first names of those who caused them and a link to
// the notification centre; each carries a one-click unsubscribe link
// (RFC 8058's List-Unsubscribe and List-Unsubscribe-Post headers) whose
// token is kept hashed. A digest claimed and not sent keeps its ID and its
// Message-ID: an SMTP server that is down delays it (retried with
// backoff), and a crash between sending and marking it sent sends the same
// message again, which receivers take as one.
//
// The Sweeper runs the inactivity notices: every beneficiary whose
// structure's period has gone by since their last activity, once per
// period (commands.NoticeInactivity).
package notify
