export const SQL_CLIENT = Symbol('SQL_CLIENT');
export const POSITION_FEED = Symbol('POSITION_FEED');
