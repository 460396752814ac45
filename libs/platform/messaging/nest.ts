// `@orders/messaging/nest`: the NestJS transport and relay module. A separate entry so the library itself never loads Nest.
export * from './src/nest';
