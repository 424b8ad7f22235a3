import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { ClientSession, Model } from 'mongoose';
import { Expense } from './schemas/expense.schema';

/** The only code that touches the expenses collection. */
@Injectable()
export class ExpensesRepository {
  constructor(@InjectModel(Expense.name) private readonly expenses: Model<Expense>) {}

  async insert(expense: Omit<Expense, 'createdAt'>, session: ClientSession): Promise<Expense> {
    const [created] = await this.expenses.create([expense], { session });
    return created.toObject();
  }
}
