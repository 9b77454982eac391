// Drives the OpenAI-compatible API with the official OpenAI Node SDK, as a user's program would, and prints what
// it saw as one JSON line for OpenAiNodeSdkTests to check. Settings come from the environment.
import OpenAI from 'openai';

const model = process.env.STUDIO_MODEL;
const client = new OpenAI({ baseURL: process.env.STUDIO_BASE_URL, apiKey: process.env.STUDIO_API_KEY, maxRetries: 0 });
const image = process.env.STUDIO_IMAGE_DATA_URI;
const messages = [{
  role: 'user',
  content: [{ type: 'text', text: 'What is in the image? ' }, { type: 'image_url', image_url: { url: image } }],
}];
const out = {};

// a streamed completion with an image
const stream = await client.chat.completions.create({
  model, messages, max_tokens: 16, stream: true, stream_options: { include_usage: true },
});
const streamed = { text: '', contentChunks: 0, role: null, finishReason: null, usage: null };
for await (const chunk of stream) {
  if (chunk.usage) streamed.usage = chunk.usage;
  for (const choice of chunk.choices) {
    if (choice.delta.role) streamed.role = choice.delta.role;
    if (choice.delta.content) {
      streamed.text += choice.delta.content;
      streamed.contentChunks++;
    }
    if (choice.finish_reason) streamed.finishReason = choice.finish_reason;
  }
}
out.streamed = streamed;
const whole = await client.chat.completions.create({ model, messages, max_tokens: 16 });
out.whole = { text: whole.choices[0].message.content, finishReason: whole.choices[0].finish_reason, usage: whole.usage };

// errors arrive as the SDK's typed errors
function describe(error) {
  return {
    name: error.constructor.name, status: error.status, type: error.type, code: error.code, param: error.param,
    message: error.message, notFound: error instanceof OpenAI.NotFoundError,
    badRequest: error instanceof OpenAI.BadRequestError,
  };
}
try {
  await client.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'Hi' }] });
  out.notFound = null;
} catch (error) {
  out.notFound = describe(error);
}
try {
  await client.chat.completions.create({ model, messages, top_p: 2 });
  out.badRequest = null;
} catch (error) {
  out.badRequest = describe(error);
}

// stop: cut before a piece of the unstopped answer
const text = out.whole.text;
const stop = text.substring(Math.floor(text.length / 2), Math.floor(text.length / 2) + 2);
const stopped = await client.chat.completions.create({ model, messages, max_tokens: 16, stop: [stop] });
out.stop = {
  stop, expected: text.substring(0, text.indexOf(stop)), text: stopped.choices[0].message.content,
  finishReason: stopped.choices[0].finish_reason,
};

// top_p: at a high temperature a vanishing nucleus keeps only the most likely token, so the answer is the greedy one
const sampled = (topP) => client.chat.completions.create({
  model, messages, max_tokens: 16, temperature: 2, seed: 5, ...(topP === undefined ? {} : { top_p: topP }),
});
out.topP = {
  nucleus: (await sampled(1e-9)).choices[0].message.content,
  full: (await sampled(undefined)).choices[0].message.content,
};

out.models = (await client.models.list()).data.map((m) => m.id);
out.retrieved = (await client.models.retrieve(model)).id;
console.log(JSON.stringify(out));
