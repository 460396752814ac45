// `@orders/event-store/nest`: the NestJS module. A separate entry so the store itself never loads Nest.
export * from './src/nest';
