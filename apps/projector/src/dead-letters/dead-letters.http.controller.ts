import { Body, Controller, ForbiddenException, Get, HttpCode, Inject, NotFoundException, Post, type OnApplicationShutdown } from '@nestjs/common';
import { ApiBearerAuth, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { DeadLetterMarks, DeadLetters, DLQ_HEADER, letterKey, type DeadLetter, type HandledMark } from '@orders/messaging';
import { CurrentPrincipal, Documented, RequireScope, ServiceConfig, type Principal } from '@orders/service-kit';
import { PROJECTOR_SETTINGS, type ProjectorSettings } from '../settings';
import { ReadModelDb } from '../storage/read-model-db';
import { DeadLetterRequestDto } from './dead-letter.request.dto';
import { DEAD_LETTERS_ANSWER, REDRIVE_ANSWER, RESOLVE_ANSWER } from './dead-letters.http.docs';

/** Letters shown per topic: an overview, not an export (the ops CLI reads ranges). */
const LETTERS_PER_TOPIC = 100;

const summary = (letter: DeadLetter, mark: HandledMark | undefined) => ({
  topic: letter.dlqTopic, partition: letter.partition, offset: letter.offset,
  origin: `${letter.origin.topic}/${letter.origin.partition}@${letter.origin.offset}`,
  eventType: letter.headers['event-type'] ?? null, eventId: letter.headers['event-id'] ?? null,
  classification: letter.error.classification, attempts: letter.error.attempts,
  error: `${letter.error.class}: ${letter.error.message}`, failedAt: letter.error.failedAt,
  redrivenFrom: letter.headers[DLQ_HEADER.redrivenFrom] ?? null, handled: mark ?? null,
});

/**
 * Dead letters across every topic of this deployment, for the operators' console: the same letters and the same
 * handled marks (schema `ops` of this database) as `ops dlq`, so the CLI and the console agree on who did what.
 * Letters cross companies: an all-tenant key only.
 */
@ApiTags('operations')
@ApiSecurity('api-key')
@ApiBearerAuth()
@Controller('ops/dead-letters')
export class DeadLettersController implements OnApplicationShutdown {
  private readonly letters: DeadLetters;
  private readonly marks: DeadLetterMarks;

  constructor(config: ServiceConfig, @Inject(PROJECTOR_SETTINGS) private readonly settings: ProjectorSettings, db: ReadModelDb) {
    this.letters = new DeadLetters({ kafka: { brokers: config.kafka.brokers, clientId: `${config.kafka.clientId}-ops` } });
    this.marks = new DeadLetterMarks(db.pool);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.letters.close();
  }

  @Get()
  @Documented({
    summary: 'Every dead-letter topic with its letters (the first 100 each) and their handled marks',
    ...DEAD_LETTERS_ANSWER,
  })
  async list(@CurrentPrincipal() principal: Principal) {
    this.allTenants(principal);
    const topics = (await this.letters.topics(this.settings.topics.prefix)).filter((t) => t.letters > 0);
    const marks = await this.marks.of(topics.map((t) => t.dlqTopic));
    const out = [];
    for (const topic of topics) {
      const letters = await this.letters.list(topic.dlqTopic, { limit: LETTERS_PER_TOPIC });
      const shown = letters.map((l) => summary(l, marks.get(letterKey(l.dlqTopic, l.partition, l.offset))));
      out.push({ topic: topic.dlqTopic, letters: topic.letters, open: shown.filter((l) => !l.handled).length, items: shown });
    }
    return { topics: out };
  }

  @Post('redrive')
  @HttpCode(200)
  @RequireScope('operate')
  @Documented({
    summary: 'Send one letter back to its topic and mark it redriven (by the key\'s principal)', ...REDRIVE_ANSWER,
    errors: { 404: 'NOT_FOUND: no such dead-letter topic here, or no letter at that offset' },
  })
  async redrive(@CurrentPrincipal() principal: Principal, @Body() body: DeadLetterRequestDto) {
    this.allTenants(principal);
    await this.ours(body.topic);
    // redrive reads the letter itself: one read of the topic, not two.
    const result = await this.letters.redrive(body.topic, body.partition, body.offset).catch((error: Error) => {
      if (error.message.startsWith('no dead letter')) throw this.missing(body);
      throw error;
    });
    const mark = await this.marks.mark({
      dlqTopic: body.topic, partition: body.partition, offset: body.offset, action: 'redriven', by: principal.id,
      note: body.note ?? null, redrivenTo: `${result.to.topic}/${result.to.partition}@${result.to.offset}`,
    });
    return { redriven: result, handled: mark };
  }

  @Post('resolve')
  @HttpCode(200)
  @RequireScope('operate')
  @Documented({
    summary: 'Mark one letter resolved without sending it again (by the key\'s principal, with a note)',
    ...RESOLVE_ANSWER,
    errors: { 404: 'NOT_FOUND: no such dead-letter topic here, or no letter at that offset' },
  })
  async resolve(@CurrentPrincipal() principal: Principal, @Body() body: DeadLetterRequestDto) {
    this.allTenants(principal);
    const letter = await this.find(body);
    const mark = await this.marks.mark({
      dlqTopic: letter.dlqTopic, partition: letter.partition, offset: letter.offset, action: 'resolved', by: principal.id,
      note: body.note ?? null, redrivenTo: null,
    });
    return { handled: mark };
  }

  private allTenants(principal: Principal): void {
    if (principal.tenants !== '*') throw new ForbiddenException({ code: 'TENANT_FORBIDDEN', message: 'dead letters cross companies: an all-company key only' });
  }

  /**
   * A dead-letter topic of this deployment that exists: reading a topic Kafka does not have failed with a 500
   * (found by the OpenAPI answers spec); it is a 404 like a letter that is not there.
   */
  private async ours(topic: string): Promise<void> {
    const missing = () => new NotFoundException({ code: 'NOT_FOUND', message: `no dead-letter topic ${topic} here` });
    if (!topic.startsWith(this.settings.topics.prefix)) throw missing();
    const topics = await this.letters.topics(this.settings.topics.prefix);
    if (!topics.some((t) => t.dlqTopic === topic)) throw missing();
  }

  private missing(body: DeadLetterRequestDto): NotFoundException {
    return new NotFoundException({ code: 'NOT_FOUND', message: `no dead letter at ${body.topic}/${body.partition}@${body.offset}` });
  }

  private async find(body: DeadLetterRequestDto): Promise<DeadLetter> {
    await this.ours(body.topic);
    const letter = await this.letters.show(body.topic, body.partition, body.offset);
    if (!letter) throw this.missing(body);
    return letter;
  }
}
