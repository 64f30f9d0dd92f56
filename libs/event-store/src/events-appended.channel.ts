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
