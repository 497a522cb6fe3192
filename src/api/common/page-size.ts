/** Rows per page when a connection's `first` is not given (kept free of decorators for the plugins). */
export const DEFAULT_PAGE_SIZE = 20;
