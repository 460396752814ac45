import { createHash } from 'node:crypto';

// SQL with :named parameters, compiled once to positional ones. A name used twice maps to one $n.

export interface CompiledSql<Names extends string = string> {
  readonly name: string;
  readonly text: string;
  readonly names: readonly Names[];
}

export function compileSql<Names extends string>(statementName: string, sql: string): CompiledSql<Names> {
  const names: Names[] = [];
  // `::type` casts are left alone: a parameter is a single ':' followed by a letter, not preceded by ':'.
  const text = sql.replace(/(?<!:):([a-z_][a-z0-9_]*)/g, (_match, name: Names) => {
    let index = names.indexOf(name);
    if (index < 0) index = names.push(name) - 1;
    return `$${index + 1}`;
  });
  return { name: statementName, text, names };
}

export function bind<Names extends string>(sql: CompiledSql<Names>, values: Partial<Record<Names, unknown>>, prepared: boolean) {
  const ordered = sql.names.map((name) => {
    if (!(name in values)) throw new Error(`statement ${sql.name} needs a value for :${name}`);
    return values[name];
  });
  return prepared ? { name: sql.name, text: sql.text, values: ordered } : { text: sql.text, values: ordered };
}

/** Prepared statement names are per connection and per SQL text: the schema is part of the text, so of the name. */
export function statementName(schema: string, purpose: string): string {
  return `es_${createHash('sha1').update(schema).digest('hex').slice(0, 10)}_${purpose}`;
}
