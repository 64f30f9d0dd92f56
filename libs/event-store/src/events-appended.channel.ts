/**
 * The PostgreSQL NOTIFY channel on which every committed append announces its global positions,
 * as a SQL expression evaluated on the session that sends or listens: one channel per schema, as
 * stores in different schemas of one database are different stores. Hashed because a channel
 * name is an identifier of at most 63 bytes and a schema name can be that long already.
 *
 * NOTIFY is delivered at commit and never for a rolled-back append, so a listener that reads the
 * feed on a notification finds the event committed. A listener still polls: a notification is
 * lost while its session reconnects.
 */
export const EVENTS_APPENDED_CHANNEL_SQL = `'events_appended_' || left(md5(current_schema()), 16)`;

/**
 * The advisory lock (the two key arguments, as SQL) a listener of the channel holds, exclusively
 * on its session, while it listens. An append announces itself only when it cannot take the lock
 * shared (`pg_try_advisory_xact_lock_shared`), that is while a listener holds it: NOTIFY made
 * every committing append take PostgreSQL's notification queue lock in turn, and measured here
 * with nobody listening it doubled the backend's CPU per append (130 against 70 µs, 8
 * connections) and its wall time. An append that took the lock shared holds it until it commits,
 * so a listener that takes it afterwards (waiting for those appends) and then reads the feed finds
 * every append it was not told of.
 */
export const EVENTS_APPENDED_LISTENER_LOCK_SQL = `7316003, hashtext(${EVENTS_APPENDED_CHANNEL_SQL})`;
