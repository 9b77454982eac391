package dev.vlmr1.studio.demo.worker;

/** What a demo request asks of the model. */
public enum DemoTask {

	/** Referring-expression comprehension: one expression → one box. */
	REC,

	/** Open-vocabulary detection: a list of labels → labelled boxes. */
	OVD

}
