/** Moved to core (pure date arithmetic shared with the platform); re-exported for the generator. */
export * from '@wangzheng/core/calendar';
