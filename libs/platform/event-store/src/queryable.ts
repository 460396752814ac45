import type { QueryConfig, QueryResult, QueryResultRow } from 'pg';

/** A pg Pool, PoolClient or Client: anything that runs one query. */
export interface Queryable {
  query<R extends QueryResultRow = QueryResultRow>(config: QueryConfig): Promise<QueryResult<R>>;
}
