"""Loads a checkpoint the platform wrote in Hugging Face transformers (4.x or 5.x), applies its chat template to a
text + image prompt, generates greedily and prints what it got as JSON.

Documentation of how src/test/resources/fixtures/transformers_compat/reference.json was made; never run by the
build. See src/test/resources/fixtures/transformers_compat/README.md for the venvs and the command lines.

    python generate_reference.py CHECKPOINT_DIR IMAGE.png > out.json
"""
import json
import sys

import torch
import transformers
from PIL import Image
from transformers import AutoProcessor, AutoTokenizer, Qwen2_5_VLForConditionalGeneration

class _NoVideoProcessor:
    @classmethod
    def from_pretrained(cls, *args, **kwargs):
        return None


def allow_missing_video_processor():
    """Lets AutoProcessor load without torchvision: the only torchvision wheels at hand are CUDA builds that do not
    load beside a CPU torch, and only the video processor needs it. Images go through the PIL image processor.
    Everything else (chat_template.json, preprocessor_config.json, tokenizer files) is read by transformers' own
    from_pretrained."""
    import transformers.processing_utils as pu
    try:  # 5.x: the auto class exists, the video processor class it picks needs torchvision
        from transformers.models.auto import video_processing_auto
        video_processing_auto.AutoVideoProcessor.from_pretrained = _NoVideoProcessor.from_pretrained
    except ImportError:  # 4.x: the auto class itself is a placeholder
        pass
    find_class = pu.ProcessorMixin.get_possibly_dynamic_module
    pu.ProcessorMixin.get_possibly_dynamic_module = staticmethod(
        lambda name: _NoVideoProcessor if name == "AutoVideoProcessor" else find_class(name))
    check = pu.ProcessorMixin.check_argument_for_proper_class
    pu.ProcessorMixin.check_argument_for_proper_class = (
        lambda self, name, arg: None if arg is None else check(self, name, arg))


QUESTION = "Where is the red square? Answer with its box."
MAX_NEW_TOKENS = 16


def main(checkpoint, image_path):
    torch.manual_seed(0)
    allow_missing_video_processor()
    dtype_arg = "dtype" if transformers.__version__.startswith("5") else "torch_dtype"
    model = Qwen2_5_VLForConditionalGeneration.from_pretrained(
        checkpoint, attn_implementation="eager", **{dtype_arg: torch.float32})
    model.eval()
    processor = AutoProcessor.from_pretrained(checkpoint)
    tokenizer = AutoTokenizer.from_pretrained(checkpoint)
    messages = [{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": QUESTION}]}]
    prompt = processor.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    tokenizer_prompt = tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    image = Image.open(image_path).convert("RGB")
    inputs = processor(text=[prompt], images=[image], return_tensors="pt")
    with torch.no_grad():
        out = model.generate(**inputs, max_new_tokens=MAX_NEW_TOKENS, do_sample=False)
    prompt_len = inputs["input_ids"].shape[1]
    new_ids = out[0, prompt_len:].tolist()
    return {
        "transformers": transformers.__version__,
        "torch": torch.__version__,
        "question": QUESTION,
        "max_new_tokens": MAX_NEW_TOKENS,
        "chat_template_prompt": prompt,
        "tokenizer_chat_template_prompt": tokenizer_prompt,
        "input_ids": inputs["input_ids"][0].tolist(),
        "image_grid_thw": inputs["image_grid_thw"].tolist(),
        "rope_scaling": getattr(model.config.get_text_config(), "rope_scaling", None),
        "generated_ids": new_ids,
        "generated_text": processor.batch_decode(out[:, prompt_len:], skip_special_tokens=False)[0],
    }


if __name__ == "__main__":
    json.dump(main(sys.argv[1], sys.argv[2]), sys.stdout, indent=1, ensure_ascii=False)
    print()
