import { ApiProperty } from '@nestjs/swagger';

/** FastAPI's error body: a message for HTTP errors, a list of field errors for a 422. */
export class OrgV2ErrorResponseDto {
  @ApiProperty({
    oneOf: [
      { type: 'string', example: 'Missing API key: send it in x-api-key, apiKey or Authorization: Bearer' },
      {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            type: { type: 'string', example: 'string_too_long' },
            loc: { type: 'array', items: { oneOf: [{ type: 'string' }, { type: 'integer' }] }, example: ['body', 'name'] },
            msg: { type: 'string', example: 'String should have at most 100 characters' },
            input: {},
            ctx: { type: 'object' },
          },
        },
      },
    ],
  })
  detail!: string | object[];
}
